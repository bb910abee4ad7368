package io.mqpool.reliability;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a static {@link PrivateBroker} field that {@link PrivateBrokerExtension} fills with a node started before
 * the class's first test (and before its {@code @BeforeAll} methods) and stopped after its last.
 *
 * <pre>
 * &#64;PrivateNode
 * static PrivateBroker broker;
 *
 * &#64;PrivateNode(setup = "shortConsumerTimeout")
 * static PrivateBroker broker;
 * static PrivateBroker.Setup shortConsumerTimeout() { return PrivateBroker.setup().conf("consumer_timeout", "3000"); }
 * </pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PrivateBrokerExtension.class)
public @interface PrivateNode {
    /** A static no-argument method of the test class returning the {@link PrivateBroker.Setup}; default: plain. */
    String setup() default "";
}
