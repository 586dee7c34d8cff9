package io.normalcy.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The class path of one service inside the demo JVM: every entry of the demo's own class path except the other
 * service's module and the demo's classes. The trainer and the detector each ship an {@code application.yml}, a
 * {@code logback.xml} and Micronaut bean definitions (found by service loading, not by package), so in one class
 * loader each would see the other's beans, routes and configuration. Separate loaders keep them exactly as they run
 * alone; third-party jars are shared on disk and loaded once per service.
 */
final class ServiceClasspath {
    /** Marker classes that identify a module's class path entry. */
    static final String TRAINER = "io/normalcy/trainer/TrainerApplication.class";
    static final String DETECTOR = "io/normalcy/detector/DetectorApplication.class";
    static final String DEMO = "io/normalcy/demo/DemoApplication.class";

    private ServiceClasspath() {
    }

    /**
     * @param own     marker of the service's module (must be on the class path)
     * @param exclude markers of the modules to leave out
     * @throws IllegalStateException naming the missing module when {@code own} is not on the class path
     */
    static URL[] forService(String own, List<String> exclude) {
        return forService(System.getProperty("java.class.path", ""), own, exclude);
    }

    static URL[] forService(String classPath, String own, List<String> exclude) {
        List<URL> urls = new ArrayList<>();
        boolean found = false;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().equals("test-classes")) {
                continue; // test resources (logback-test.xml, test beans) are not part of a service
            }
            if (contains(p, own)) {
                found = true;
            } else if (exclude.stream().anyMatch(m -> contains(p, m))) {
                continue;
            }
            try {
                urls.add(p.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException("class path entry '" + entry + "' is not a valid path", e);
            }
        }
        if (!found) {
            throw new IllegalStateException("the class path does not contain " + own.replace('/', '.')
                    .replace(".class", "") + " (module " + module(own) + "); run the demo with bin/demo or put "
                    + "demo/target/lib/* on the class path");
        }
        return urls.toArray(URL[]::new);
    }

    /** Whether a class path entry (directory or jar) holds {@code resource}; only module-like entries are opened. */
    static boolean contains(Path entry, String resource) {
        if (Files.isDirectory(entry)) {
            return Files.isRegularFile(entry.resolve(resource));
        }
        String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
        if (!name.startsWith("normalcy-") || !name.endsWith(".jar") || !Files.isRegularFile(entry)) {
            return false;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return jar.getEntry(resource) != null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class path entry " + entry, e);
        }
    }

    private static String module(String marker) {
        return marker.equals(TRAINER) ? "normalcy-trainer" : marker.equals(DETECTOR) ? "normalcy-detector"
                : "normalcy-demo";
    }
}
