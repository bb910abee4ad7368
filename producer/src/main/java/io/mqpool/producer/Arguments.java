package io.mqpool.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mqpool.protocol.JsonValues;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/** The caller's items as the JSON argument arrays of task items, converted lazily as the job reads them. */
final class Arguments {
    private Arguments() {
    }

    /**
     * One call per item, with the item as its only argument; an {@link IntegralInput} too, so that a job cuts a
     * {@code Long} or {@code Integer} item into a compact chunk without making its nodes.
     */
    static Iterator<JsonNode> single(ObjectMapper mapper, Iterable<?> items) {
        return new Single(mapper, items.iterator());
    }

    /** A job's input that can give an integral call's one argument alone (the hot path of tiny tasks). */
    interface IntegralInput {
        /** Whether the next call (there must be one) has one argument, a {@code Long} or {@code Integer}. */
        boolean nextIsIntegral();

        /** That argument, consuming the call; only after {@link #nextIsIntegral()} returned true. */
        long nextIntegral();
    }

    private static final class Single implements Iterator<JsonNode>, IntegralInput {
        private final ObjectMapper mapper;
        private final Iterator<?> items;
        /** An item read ahead by {@link #nextIsIntegral()}, not consumed yet. */
        private Object ahead;
        private boolean hasAhead;

        Single(ObjectMapper mapper, Iterator<?> items) {
            this.mapper = mapper;
            this.items = items;
        }

        @Override
        public boolean hasNext() {
            return hasAhead || items.hasNext();
        }

        @Override
        public JsonNode next() {
            ArrayNode args = mapper.createArrayNode();
            args.add(JsonValues.toTree(mapper, take()));
            return args;
        }

        @Override
        public boolean nextIsIntegral() {
            if (!hasAhead) {
                ahead = items.next();
                hasAhead = true;
            }
            return ahead instanceof Long || ahead instanceof Integer;
        }

        @Override
        public long nextIntegral() {
            return ((Number) take()).longValue();
        }

        private Object take() {
            if (!hasAhead) {
                return items.next();
            }
            Object item = ahead;
            ahead = null;
            hasAhead = false;
            return item;
        }
    }

    /** One call per list, with the list's elements as its positional arguments. */
    static Iterator<JsonNode> star(ObjectMapper mapper, Iterable<? extends List<?>> argLists) {
        return lazily(argLists.iterator(), mapper::valueToTree);
    }

    /** The number of items if {@code items} knows it, else -1. */
    static long sizeOf(Iterable<?> items) {
        return items instanceof Collection<?> c ? c.size() : -1;
    }

    private static <T> Iterator<JsonNode> lazily(Iterator<T> it, Function<? super T, JsonNode> convert) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonNode next() {
                return convert.apply(it.next());
            }
        };
    }
}
