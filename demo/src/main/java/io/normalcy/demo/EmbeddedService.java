package io.normalcy.demo;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;

/**
 * A Micronaut service (trainer or detector) running inside the demo JVM in its own class loader (see
 * {@link ServiceClasspath} for why), started exactly as its {@code main} would, i.e. an
 * {@code ApplicationContext.run(EmbeddedServer.class, properties)} with the demo's properties on top of the
 * service's own {@code application.yml}. The demo talks to it only through Kafka and HTTP, like to a remote
 * service.
 */
final class EmbeddedService implements AutoCloseable {
    private final String name;
    private final URLClassLoader loader;
    private final AutoCloseable server;
    private final int port;

    private EmbeddedService(String name, URLClassLoader loader, AutoCloseable server, int port) {
        this.name = name;
        this.loader = loader;
        this.server = server;
        this.port = port;
    }

    static EmbeddedService trainer(Map<String, Object> properties) {
        return start("trainer", ServiceClasspath.forService(ServiceClasspath.TRAINER,
                List.of(ServiceClasspath.DETECTOR, ServiceClasspath.DEMO)), properties);
    }

    static EmbeddedService detector(Map<String, Object> properties) {
        return start("detector", ServiceClasspath.forService(ServiceClasspath.DETECTOR,
                List.of(ServiceClasspath.TRAINER, ServiceClasspath.DEMO)), properties);
    }

    static EmbeddedService start(String name, URL[] classPath, Map<String, Object> properties) {
        URLClassLoader loader = new URLClassLoader("normalcy-" + name, classPath, ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // threads the service starts (Kafka clients, Streams, Netty, training) inherit this loader, and Kafka
        // resolves configured class names through it
        thread.setContextClassLoader(loader);
        try {
            Class<?> context = loader.loadClass("io.micronaut.context.ApplicationContext");
            Class<?> embeddedServer = loader.loadClass("io.micronaut.runtime.server.EmbeddedServer");
            Method run = context.getMethod("run", Class.class, Map.class, String[].class);
            AutoCloseable server = (AutoCloseable) run.invoke(null, embeddedServer, properties, new String[0]);
            int port = (Integer) embeddedServer.getMethod("getPort").invoke(server);
            return new EmbeddedService(name, loader, server, port);
        } catch (InvocationTargetException e) {
            closeQuietly(loader);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the " + name + " did not start: " + rootMessage(cause), cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            closeQuietly(loader);
            throw new IllegalStateException("the " + name + " did not start: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    String name() {
        return name;
    }

    /** HTTP port of the service. */
    int port() {
        return port;
    }

    @Override
    public void close() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            server.close();
        } catch (Exception e) {
            System.err.println("demo: stopping the " + name + " failed: " + e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        // the loader stays open: late daemon threads of the service may still load classes while they wind down
    }

    static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (cause: " + r + ")";
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (Exception ignored) {
            // nothing more to release
        }
    }
}
