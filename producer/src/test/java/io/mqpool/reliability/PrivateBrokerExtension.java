package io.mqpool.reliability;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Starts one {@link PrivateBroker} per test class for each static field marked {@link PrivateNode}, and stops it
 * when the class's tests are done (the node is an {@link AutoCloseable} in the class's extension store, which JUnit
 * closes).
 */
public final class PrivateBrokerExtension implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrivateBrokerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field : AnnotationSupport.findAnnotatedFields(testClass, PrivateNode.class,
                f -> Modifier.isStatic(f.getModifiers()), HierarchyTraversalMode.TOP_DOWN)) {
            if (field.getType() != PrivateBroker.class) {
                throw new IllegalStateException("@PrivateNode field " + field + " must be a static PrivateBroker");
            }
            ExtensionContext.Store store = context.getStore(NAMESPACE);
            if (store.get(field) != null) {
                continue;  // a registration on the field and one through @ExtendWith on the class
            }
            PrivateBroker broker = setup(testClass, field.getAnnotation(PrivateNode.class)).start();
            store.put(field, broker);  // AutoCloseable: JUnit closes it when the class's tests are done
            field.setAccessible(true);
            field.set(null, broker);
        }
    }

    private static PrivateBroker.Setup setup(Class<?> testClass, PrivateNode node) throws Exception {
        if (node.setup().isEmpty()) {
            return PrivateBroker.setup();
        }
        Method method = ReflectionSupport.findMethod(testClass, node.setup())
                .orElseThrow(() -> new IllegalStateException("@PrivateNode(setup = \"" + node.setup()
                        + "\"): no such method in " + testClass.getName()));
        if (!Modifier.isStatic(method.getModifiers()) || method.getReturnType() != PrivateBroker.Setup.class) {
            throw new IllegalStateException("@PrivateNode(setup = \"" + node.setup() + "\") must name a static "
                    + "method returning PrivateBroker.Setup");
        }
        method.setAccessible(true);
        return (PrivateBroker.Setup) method.invoke(null);
    }
}
