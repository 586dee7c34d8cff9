package io.normalcy.demo;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines stamped with the seconds since the demo started. */
final class Console {
    private final PrintStream out;
    private final long start = System.nanoTime();

    Console(PrintStream out) {
        this.out = out;
    }

    double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    void line(String format, Object... args) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", elapsed(), String.format(Locale.ROOT, format, args));
        out.flush();
    }

    void raw(String text) {
        out.print(text);
        out.flush();
    }
}
