package io.normalcy.testkit;

import java.util.Objects;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a running {@link KafkaBroker} (chosen by {@link KafkaBrokers#start(BrokerOptions)})
 * and injects it into any {@code KafkaBroker} parameter of test, lifecycle ({@code @BeforeAll}, {@code @BeforeEach},
 * ...) and constructor methods.
 *
 * <p>Two lifetimes, because starting a broker costs seconds on a small machine while some tests need their own
 * broker settings:
 * <ul>
 *   <li><b>shared</b> (default; {@code @ExtendWith(KafkaBrokerExtension.class)} or
 *       {@code @RegisterExtension static KafkaBrokerExtension kafka = KafkaBrokerExtension.shared()}): one broker
 *       with {@link BrokerOptions#defaults()} per JVM, kept in the root {@link ExtensionContext.Store} and closed
 *       when the whole test run ends. Test classes sharing it must use their own topic names, group ids and
 *       transactional ids.</li>
 *   <li><b>per class</b> ({@code @RegisterExtension static KafkaBrokerExtension kafka =
 *       KafkaBrokerExtension.perClass(options)}): a dedicated broker started before {@code @BeforeAll} methods and
 *       closed after {@code @AfterAll} methods of that class (nested classes reuse the enclosing class's broker).</li>
 * </ul>
 * Register only one instance per test class: two would compete to resolve {@code KafkaBroker} parameters.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace SHARED_NS =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class, "shared");
    private static final String KEY = "broker";

    /** null for the shared JVM-wide broker. */
    private final BrokerOptions perClassOptions;
    private final ExtensionContext.Namespace namespace;
    private volatile KafkaBroker current;

    /** Shared, JVM-wide broker with default options (the form used by {@code @ExtendWith}). */
    public KafkaBrokerExtension() {
        this(null);
    }

    private KafkaBrokerExtension(BrokerOptions perClassOptions) {
        this.perClassOptions = perClassOptions;
        this.namespace = perClassOptions == null ? SHARED_NS : ExtensionContext.Namespace.create(KafkaBrokerExtension.class, this);
    }

    /** The shared, JVM-wide broker with {@link BrokerOptions#defaults()}. */
    public static KafkaBrokerExtension shared() {
        return new KafkaBrokerExtension();
    }

    /** A dedicated broker for the test class that registers this extension on a static field. */
    public static KafkaBrokerExtension perClass(BrokerOptions options) {
        return new KafkaBrokerExtension(Objects.requireNonNull(options, "options"));
    }

    /** The broker this extension started or joined; only valid between before-all and after-all. */
    public KafkaBroker broker() {
        KafkaBroker b = current;
        if (b == null) {
            throw new IllegalStateException("KafkaBrokerExtension has no running broker: register it with "
                    + "@ExtendWith or on a static @RegisterExtension field and use it inside the test class");
        }
        return b;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        current = lookupOrStart(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClassOptions == null) {
            return; // the shared broker lives until the root context closes
        }
        // remove() only touches this context's own store, so a nested class never closes its parent's broker
        KafkaBroker own = context.getStore(namespace).remove(KEY, KafkaBroker.class);
        if (own != null) {
            own.close();
            current = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return lookupOrStart(extensionContext);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Cannot provide a KafkaBroker for parameter '"
                    + parameterContext.getParameter().getName() + "': " + e.getMessage(), e);
        }
    }

    private KafkaBroker lookupOrStart(ExtensionContext context) {
        if (perClassOptions == null) {
            // the broker is AutoCloseable, so JUnit closes it when the root store is closed at the end of the run
            return context.getRoot().getStore(SHARED_NS)
                    .getOrComputeIfAbsent(KEY, k -> KafkaBrokers.start(), KafkaBroker.class);
        }
        KafkaBroker existing = context.getStore(namespace).get(KEY, KafkaBroker.class); // also searches parents
        if (existing != null) {
            return existing;
        }
        ExtensionContext classContext = classLevel(context);
        return classContext.getStore(namespace)
                .getOrComputeIfAbsent(KEY, k -> KafkaBrokers.start(perClassOptions), KafkaBroker.class);
    }

    /** The outermost class-level context, so method-level lookups reuse the class's broker. */
    private static ExtensionContext classLevel(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }
}
