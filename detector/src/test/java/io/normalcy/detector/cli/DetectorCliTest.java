package io.normalcy.detector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad arguments of {@code detector backfill|replay-parked} stop the command before it reads any configuration or
 * touches Kafka, with exit code 2 and a message naming the option.
 */
class DetectorCliTest {
    private static final List<String> OUTPUTS = List.of("--scores-topic", "s", "--alerts-topic", "a");

    @TempDir
    Path dir;

    @Test
    void backfillArgumentErrorsNameTheOption() throws Exception {
        assertError("Missing required options: '--scores-topic=<scoresTopic>', '--alerts-topic=<alertsTopic>'",
                "backfill", "--topic", "in");
        assertError("--from 'yesterday' is not an ISO-8601 instant", backfill("--topic", "in", "--from", "yesterday"));
        assertError("--to '2026-13-01' is not an ISO-8601 instant", backfill("--topic", "in", "--to", "2026-13-01"));
        assertError("--from (2026-12-02T00:00:00Z) must not be after --to (2026-12-01T00:00:00Z)",
                backfill("--topic", "in", "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z"));
        assertError("give --topic or --file", backfill());
        Path file = Files.writeString(dir.resolve("events.jsonl"), "{}\n");
        assertError("--partitions, --from and --to select records of a topic; a --file is scored whole",
                backfill("--file", file.toString(), "--from", "2026-12-01T00:00:00Z"));
        assertError("--file " + dir.resolve("missing.jsonl") + " cannot be read",
                backfill("--file", dir.resolve("missing.jsonl").toString()));
        assertError("--scores-topic, --alerts-topic and --dlq-topic must be three different topics",
                "backfill", "--topic", "in", "--scores-topic", "x", "--alerts-topic", "x");
        assertError("--topic 'a' is also an output topic", backfill("--topic", "a"));
        assertError("--model-version m=latest: the version must be a positive number",
                backfill("--topic", "in", "--model-version", "m=latest"));
        assertError("--partitions", backfill("--topic", "in", "--partitions", "one"));
    }

    @Test
    void replayParkedArgumentErrorsNameTheOption() {
        assertError("Missing required option: '--model=<model>'", "replay-parked");
        assertError("--model 'a/b' is not a valid model name", "replay-parked", "--model", "a/b");
        assertError("--group must not be blank", "replay-parked", "--model", "m", "--group", " ");
        assertError("choose a command: backfill or replay-parked");
    }

    @Test
    void badConfigurationStopsTheCommandNamingTheKey() {
        assertError("normalcy.detector.signing", "replay-parked", "--model", "m", "-p",
                "normalcy.detector.signing.keys.k1.hmac-secretx=abc");
    }

    private static String[] backfill(String... args) {
        List<String> all = new ArrayList<>(List.of("backfill"));
        all.addAll(List.of(args));
        all.addAll(OUTPUTS);
        return all.toArray(String[]::new);
    }

    private static void assertError(String expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DetectorCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(2, code, String.join(" ", args) + ": " + err);
        assertTrue(err.toString().contains(expected), "expected '" + expected + "' in: " + err);
    }
}
