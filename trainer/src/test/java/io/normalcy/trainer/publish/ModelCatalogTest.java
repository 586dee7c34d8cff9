package io.normalcy.trainer.publish;

import io.normalcy.schemas.ModelControls;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.normalcy.trainer.publish.FakeModelsTopic.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The trainer's view of the models topic tolerates any bytes on it (issue 10). */
class ModelCatalogTest {
    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");

    @Test
    void junkIsSkippedAndCountedAndNumberingUsesWhatIsReallyThere() {
        FakeModelsTopic topic = new FakeModelsTopic();
        topic.append("payments", "not a model".getBytes(StandardCharsets.UTF_8));
        topic.append(model("payments", 1));
        topic.append("payments", new byte[] {(byte) 0xC3, 0x01, 1, 2});                       // truncated header
        topic.append("payments", new byte[] {(byte) 0xC3, 0x01, 9, 9, 9, 9, 9, 9, 9, 9, 1}); // unknown schema
        topic.append("payments", null);                                                     // tombstone
        topic.append("payments", "{\"model\":\"payments\",\"version\":99}".getBytes(StandardCharsets.UTF_8));
        topic.append("payments", topic.bytes(model("payments", 2)));                        // legacy key
        topic.append(model("other", 7));
        ModelCatalog catalog = topic.catalog();

        assertEquals(3, catalog.nextVersion("payments"), "v1 and the legacy v2; junk does not count");
        assertEquals(5, catalog.skipped());
        assertEquals(List.of("other", "payments"), catalog.names());
        assertEquals(List.of(2L, 1L), catalog.versions("payments").stream().map(ModelSummary::version).toList());
        assertEquals(8, catalog.nextVersion("other"));
        assertEquals(1, catalog.nextVersion("new-model"));

        topic.append("payments", "more junk".getBytes(StandardCharsets.UTF_8));
        topic.append(model("payments", 3));
        assertEquals(4, catalog.nextVersion("payments"), "a refresh continues where the last one stopped");
        assertEquals(6, catalog.skipped());
    }

    @Test
    void retiredVersionsAreHiddenButNeverReusedAndPinsFollowTheirSequence() {
        FakeModelsTopic topic = new FakeModelsTopic();
        for (long v = 1; v <= 4; v++) {
            topic.append(model("payments", v));
        }
        topic.append(ModelControls.retire("payments", 4, T, null, null));
        topic.append(ModelControls.retire("payments", 1, T, null, null));
        topic.append(ModelControls.pin("payments", 2, 5, T, null, null));
        topic.append(ModelControls.pin("payments", 3, 4, T, null, null)); // older sequence: not in force
        ModelCatalog catalog = topic.catalog();
        catalog.refresh();
        assertEquals(List.of(3L, 2L), catalog.versions("payments").stream().map(ModelSummary::version).toList());
        assertEquals(5, catalog.nextVersion("payments"), "v4 is retired, its number stays taken");
        assertEquals(Optional.of(2L), catalog.pinnedVersion("payments"));
        assertEquals(6, catalog.nextPinSequence("payments"));
        assertEquals(List.of(), catalog.retirable("payments", 3, 5));
        assertEquals(List.of(3L), catalog.retirable("payments", 1, 5), "keep v5 and the pinned v2");
        topic.append(ModelControls.unpin("payments", 6, T, null, null));
        catalog.refresh();
        assertEquals(Optional.empty(), catalog.pinnedVersion("payments"));
        assertEquals(List.of(2L, 3L), catalog.retirable("payments", 1, 5));
    }
}
