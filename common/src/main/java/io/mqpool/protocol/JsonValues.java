package io.mqpool.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;

/** Java values to JSON trees, on the hot paths of both producer (arguments) and worker (results). */
public final class JsonValues {
    private JsonValues() {
    }

    /**
     * The JSON form of {@code value}, as {@code mapper.valueToTree} gives it; the common scalar types skip the
     * mapper's much slower general path.
     */
    public static JsonNode toTree(ObjectMapper mapper, Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof Long n) {
            return LongNode.valueOf(n);
        }
        if (value instanceof Integer n) {
            return IntNode.valueOf(n);
        }
        if (value instanceof String text) {
            return TextNode.valueOf(text);
        }
        if (value instanceof BigInteger n) {
            return BigIntegerNode.valueOf(n);
        }
        return mapper.valueToTree(value);
    }
}
