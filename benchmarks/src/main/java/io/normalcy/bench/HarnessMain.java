package io.normalcy.bench;

import java.util.function.Function;

/**
 * The {@code main} of a report-writing harness: parse the options (a bad one: its message, exit 2), run (a failure:
 * its stack trace, exit 1), then exit 0 explicitly, because ND4J and RCF leave non-daemon threads behind. Logback's
 * status dump about the several logback.xml files on the class path is silenced unless asked for.
 */
public final class HarnessMain {
    private HarnessMain() {
    }

    /** What runs once the options are parsed; {@code argLine} is the command line for the report. */
    @FunctionalInterface
    public interface Run<O> {
        void run(O options, String argLine) throws Exception;
    }

    public static <O> void main(String[] args, Function<String[], O> parse, Run<O> run) {
        if (System.getProperty("logback.statusListenerClass") == null) {
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run.run(options, String.join(" ", args));
        } catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
