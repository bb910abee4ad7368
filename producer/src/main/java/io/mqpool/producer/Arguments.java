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

    /** One call per item, with the item as its only argument. */
    static Iterator<JsonNode> single(ObjectMapper mapper, Iterable<?> items) {
        return lazily(items.iterator(), item -> {
            ArrayNode args = mapper.createArrayNode();
            args.add(JsonValues.toTree(mapper, item));
            return args;
        });
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
