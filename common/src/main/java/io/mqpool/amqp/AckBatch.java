package io.mqpool.amqp;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Which acks to send for one channel's deliveries, so that many acks go as one {@code multiple} ack. An ack with
 * {@code multiple} settles every delivery up to its tag that is still unsettled at the broker, so it may cover
 * only deliveries this side has settled too: those below the lowest one still open. Acks above it go one by one.
 * Not thread-safe: {@link ChannelAcks} guards it.
 */
final class AckBatch {
    /** One basic.ack to send. */
    record Ack(long tag, boolean multiple) {
    }

    /** Delivered on the channel and not settled here yet. */
    private final NavigableSet<Long> open = new TreeSet<>();
    /** Acknowledged here, not sent yet. */
    private final NavigableSet<Long> acked = new TreeSet<>();

    void delivered(long tag) {
        open.add(tag);
    }

    /** A delivery settled otherwise (rejected, requeued), whose settlement is sent at once. */
    void settledOtherwise(long tag) {
        open.remove(tag);
    }

    /** Records an ack to send; returns how many wait. */
    int acked(long tag) {
        open.remove(tag);
        acked.add(tag);
        return acked.size();
    }

    /** The acks that settle every recorded one, fewest first; forgets them. */
    List<Ack> drain() {
        if (acked.isEmpty()) {
            return List.of();
        }
        List<Ack> out = new ArrayList<>();
        NavigableSet<Long> covered = open.isEmpty() ? acked : acked.headSet(open.first(), false);
        if (covered.size() == 1) {
            out.add(new Ack(covered.first(), false));
        } else if (!covered.isEmpty()) {
            out.add(new Ack(covered.last(), true));
        }
        if (!open.isEmpty()) {
            for (long tag : acked.tailSet(open.first(), false)) {
                out.add(new Ack(tag, false));
            }
        }
        acked.clear();
        return out;
    }

    /**
     * The channel's connection was lost: the broker took back every open delivery, and the client drops their
     * later settlements, so none of them may hold back the acks of what comes after.
     */
    void forgetOpen() {
        open.clear();
    }
}
