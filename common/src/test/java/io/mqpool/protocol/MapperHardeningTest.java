package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.impl.LaissezFaireSubTypeValidator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Codec#harden}: a caller's mapper keeps its modules, but the protocol's safety settings win. */
class MapperHardeningTest {
    private static final int MAX = Codec.DEFAULT_MAX_MESSAGE_BYTES;
    private static final String GADGET = "{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}";

    /** As lax as a caller could make it: default typing for everything, deep nesting, coercion of scalars. */
    @SuppressWarnings("deprecation") // DefaultTyping.EVERYTHING: the laxest there is
    private static ObjectMapper laxMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build())
                .build();
        ObjectMapper m = JsonMapper.builder(factory)
                .enable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        m.activateDefaultTyping(LaissezFaireSubTypeValidator.instance, ObjectMapper.DefaultTyping.EVERYTHING,
                JsonTypeInfo.As.PROPERTY);
        return m;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public static class ByClassName {
        public String x;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes(@JsonSubTypes.Type(value = Circle.class, name = "circle"))
    public interface Shape {
    }

    public record Circle(double r) implements Shape {
    }

    @Test
    void aGadgetWithAClassNameStaysPlainDataEvenWhenTheCallerEnabledDefaultTyping() throws Exception {
        ObjectMapper user = laxMapper();
        ObjectMapper hardened = Codec.harden(user, MAX);
        Object value = hardened.readValue(GADGET, Object.class);
        assertThat(value).isInstanceOf(Map.class);
        JsonNode tree = Codec.defaults().readTree(GADGET);
        assertThat(hardened.treeToValue(tree, Object.class)).isInstanceOf(Map.class);
        assertThat(hardened.treeToValue(Codec.defaults().readTree("[\"java.lang.ProcessBuilder\",{\"command\":[\"x\"]}]"),
                Object.class)).isInstanceOf(List.class);
    }

    @Test
    void classNamesFromTheWireAreRefusedEvenWhereATypeAsksForThem() throws Exception {
        ObjectMapper hardened = Codec.harden(new ObjectMapper(), MAX);
        assertThatThrownBy(() -> hardened.readValue("{\"@class\":\"" + ByClassName.class.getName() + "\",\"x\":\"a\"}",
                ByClassName.class)).isInstanceOf(InvalidTypeIdException.class);
        // Logical type names are not class names: they keep working.
        assertThat(hardened.readValue("{\"@type\":\"circle\",\"r\":2.0}", Shape.class)).isEqualTo(new Circle(2.0));
    }

    @Test
    void overDeepInputIsRefusedWhateverTheCallersConstraints() {
        ObjectMapper hardened = Codec.harden(laxMapper(), MAX);
        String deep = "[".repeat(Codec.MAX_NESTING_DEPTH + 1) + "]".repeat(Codec.MAX_NESTING_DEPTH + 1);
        assertThatThrownBy(() -> hardened.readTree(deep)).isInstanceOf(StreamConstraintsException.class)
                .hasMessageContaining("Document nesting depth");
        String longNumber = "1".repeat(Codec.MAX_NUMBER_LENGTH + 1);
        assertThatThrownBy(() -> hardened.readValue(longNumber, java.math.BigInteger.class))
                .isInstanceOf(StreamConstraintsException.class);
    }

    @Test
    void coercionAndTrailingTokensStayOff() {
        ObjectMapper hardened = Codec.harden(laxMapper(), MAX);
        assertThatThrownBy(() -> hardened.readValue("\"5\"", Integer.class)).hasMessageContaining("Integer");
        assertThatThrownBy(() -> hardened.readValue("1.5", Integer.class)).hasMessageContaining("Integer");
        assertThatThrownBy(() -> hardened.readValue("5 6", Integer.class)).hasMessageContaining("railing token");
    }

    @Test
    void theCallersModulesAndSettingsAreKeptAndItsMapperIsUnchanged() throws Exception {
        ObjectMapper user = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        user.activateDefaultTyping(LaissezFaireSubTypeValidator.instance);
        ObjectMapper hardened = Codec.harden(user, MAX);
        Instant t = Instant.parse("2026-12-01T21:25:00.123456789Z");
        JsonNode tree = hardened.valueToTree(t);
        assertThat(tree.textValue()).isEqualTo("2026-12-01T21:25:00.123456789Z");
        assertThat(hardened.treeToValue(tree, Instant.class)).isEqualTo(t);
        assertThat(hardened.readValue("\"2026-12-01\"", LocalDate.class)).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(user.getDeserializationConfig().getDefaultTyper(null)).as("the caller's own mapper").isNotNull();
        assertThat(hardened.getDeserializationConfig().getDefaultTyper(null)).isNull();
    }

    @Test
    void aNullMapperIsAClearError() {
        assertThatThrownBy(() -> Codec.harden(null, MAX)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the ObjectMapper must not be null");
    }
}
