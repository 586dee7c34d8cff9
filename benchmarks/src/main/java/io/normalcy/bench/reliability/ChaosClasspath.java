package io.normalcy.bench.reliability;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Class paths of the suite's child JVMs, derived from the harness's own (benchmarks/target/benchmarks.jar +
 * benchmarks/target/lib/*, which holds the detector and all its dependencies).
 *
 * <p>Why filter: the harness's class path also holds the trainer and the demo, and Micronaut finds bean definitions
 * and {@code application.yml} by service loading across every jar, so a detector started with the whole class path
 * would also start the trainer's beans. The detector's JVM gets everything except the trainer, the demo and the
 * benchmarks jar (whose manifest Class-Path would bring them back), with the detector's jar first so its
 * {@code logback.xml} and {@code application.yml} are the ones found.
 */
final class ChaosClasspath {
    private ChaosClasspath() {
    }

    /** The harness's own class path: the broker's JVM runs {@link BrokerMain} from it. */
    static String harness() {
        return System.getProperty("java.class.path");
    }

    /** The detector service's class path, as {@code java -cp} wants it. */
    static String detector() {
        return detector(harness());
    }

    static String detector(String classPath) {
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry);
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            if (name.startsWith("normalcy-detector") || isModuleDir(p, "io/normalcy/detector/DetectorApplication.class")) {
                first.add(entry);
            } else if (name.startsWith("normalcy-trainer") || name.startsWith("normalcy-demo")
                    || name.equals("benchmarks.jar") || name.equals("test-classes")
                    || isModuleDir(p, "io/normalcy/trainer/TrainerApplication.class")
                    || isModuleDir(p, "io/normalcy/demo/DemoApplication.class")
                    || isModuleDir(p, "io/normalcy/bench/reliability/ChaosMain.class")) {
                continue;
            } else {
                rest.add(entry);
            }
        }
        if (first.isEmpty()) {
            throw new IllegalStateException("the detector (normalcy-detector) is not on the class path; run "
                    + "bin/chaos, which builds benchmarks/target");
        }
        first.addAll(rest);
        return String.join(File.pathSeparator, first);
    }

    private static boolean isModuleDir(Path entry, String marker) {
        return Files.isDirectory(entry) && Files.isRegularFile(entry.resolve(marker));
    }
}
