package io.normalcy.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceClasspathTest {
    @TempDir
    Path dir;

    @Test
    void eachServiceGetsTheSharedLibrariesButNotTheOtherServiceNorTheDemoNorTestClasses() throws Exception {
        Path trainer = module("trainer/classes", ServiceClasspath.TRAINER);
        Path detector = module("detector/classes", ServiceClasspath.DETECTOR);
        Path demo = module("demo/classes", ServiceClasspath.DEMO);
        Path tests = Files.createDirectories(dir.resolve("demo/test-classes"));
        Path lib = Files.writeString(dir.resolve("kafka-clients.jar"), "not opened: not a normalcy jar");
        String cp = String.join(File.pathSeparator, demo.toString(), tests.toString(), trainer.toString(),
                detector.toString(), lib.toString());

        List<Path> forTrainer = paths(ServiceClasspath.forService(cp, ServiceClasspath.TRAINER,
                List.of(ServiceClasspath.DETECTOR, ServiceClasspath.DEMO)));
        List<Path> forDetector = paths(ServiceClasspath.forService(cp, ServiceClasspath.DETECTOR,
                List.of(ServiceClasspath.TRAINER, ServiceClasspath.DEMO)));

        assertEquals(List.of(trainer, lib), forTrainer);
        assertEquals(List.of(detector, lib), forDetector);
    }

    @Test
    void aMissingServiceModuleIsNamed() throws Exception {
        Path lib = Files.writeString(dir.resolve("x.jar"), "");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ServiceClasspath.forService(
                lib.toString(), ServiceClasspath.DETECTOR, List.of()));
        assertTrue(e.getMessage().contains("normalcy-detector"), e.getMessage());
    }

    private Path module(String path, String marker) throws Exception {
        Path root = Files.createDirectories(dir.resolve(path));
        Path file = root.resolve(marker);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[0]);
        return root;
    }

    private static List<Path> paths(URL[] urls) {
        return Arrays.stream(urls).map(u -> {
            try {
                return Path.of(u.toURI());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
