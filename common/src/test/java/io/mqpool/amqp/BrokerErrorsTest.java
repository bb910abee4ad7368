package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.config.BrokerAddress;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** Broker errors are told apart by their reply codes, never by their message text. */
class BrokerErrorsTest {
    private static IOException channelClose(int code, String text) {
        return new IOException("wrapped", new ShutdownSignalException(false, false,
                new AMQP.Channel.Close.Builder().replyCode(code).replyText(text).build(), null));
    }

    private static IOException connectionClose(int code, String text) {
        return new IOException("wrapped", new ShutdownSignalException(true, false,
                new AMQP.Connection.Close.Builder().replyCode(code).replyText(text).build(), null));
    }

    @Test
    void everyNamedReplyCodeIsClassified() {
        assertThat(ReplyCode.of(403)).isEqualTo(ReplyCode.ACCESS_REFUSED);
        assertThat(ReplyCode.of(404)).isEqualTo(ReplyCode.NOT_FOUND);
        assertThat(ReplyCode.of(405)).isEqualTo(ReplyCode.RESOURCE_LOCKED);
        assertThat(ReplyCode.of(406)).isEqualTo(ReplyCode.PRECONDITION_FAILED);
        assertThat(ReplyCode.of(320)).isEqualTo(ReplyCode.CONNECTION_FORCED);
        assertThat(ReplyCode.of(530)).isEqualTo(ReplyCode.NOT_ALLOWED);
        assertThat(ReplyCode.of(0)).isEqualTo(ReplyCode.NONE);
        assertThat(ReplyCode.of(999)).isEqualTo(ReplyCode.OTHER);
    }

    @Test
    void aChannelCloseIsTranslatedWithItsReplyCodeAndText() {
        BrokerOperationException e = BrokerErrors.translate("cannot declare queue 'q'",
                channelClose(406, "PRECONDITION_FAILED - inequivalent arg 'x-queue-type'"));

        assertThat(e.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
        assertThat(e.replyCode()).isEqualTo(406);
        assertThat(e.connectionLevel()).isFalse();
        assertThat(e).hasMessage("cannot declare queue 'q': PRECONDITION_FAILED - inequivalent arg 'x-queue-type'");
        assertThat(e.consumerTimedOut()).isFalse();
    }

    @Test
    void aConnectionCloseIsConnectionLevel() {
        BrokerOperationException e = BrokerErrors.translate("op", connectionClose(320, "CONNECTION_FORCED - bye"));

        assertThat(e.code()).isEqualTo(ReplyCode.CONNECTION_FORCED);
        assertThat(e.connectionLevel()).isTrue();
    }

    @Test
    void aFailureWithoutABrokerCloseHasNoReplyCode() {
        BrokerOperationException e = BrokerErrors.translate("op", new SocketException("Connection reset"));

        assertThat(e.code()).isEqualTo(ReplyCode.NONE);
        assertThat(e).hasMessage("op: Connection reset");
    }

    @Test
    void accessRefusedIsRecognisedByItsReplyCodeAlone() {
        BrokerAddress address = BrokerAddress.parse("amqp://u:secret@localhost/");

        BrokerUnavailableException refused = Connections.accessRefused(address,
                BrokerErrors.translate("cannot declare", channelClose(403, "ACCESS_REFUSED - configure access to queue 'q' refused")));
        BrokerUnavailableException textOnly = Connections.accessRefused(address,
                new IOException("ACCESS_REFUSED in a message is not a reply code"));
        BrokerUnavailableException other = Connections.accessRefused(address, channelClose(404, "NOT_FOUND - no queue"));

        assertThat(refused.reason()).isEqualTo(BrokerUnavailableException.Reason.ACCESS_REFUSED);
        assertThat(refused).hasMessageContaining("ACCESS_REFUSED - configure access to queue 'q' refused")
                .hasMessageNotContaining("secret");
        assertThat(textOnly).isNull();
        assertThat(other).isNull();
    }
}
