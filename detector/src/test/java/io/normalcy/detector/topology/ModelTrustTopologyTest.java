package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.SigningSettings;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelControls;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The models topic under attack and across restarts (issue 10): junk, unsigned tombstones and replayed old versions
 * must never remove or downgrade an accepted version, neither while running nor after log compaction and a restart
 * ({@link TopologyHarness#restartedAfterCompaction}), nor when the global store is restored without the processor.
 */
class ModelTrustTopologyTest {
    static final String MODEL = "payments";
    static final String SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final DetectorSettings SIGNED = DetectorSettings.defaults().withCoolDown(Duration.ZERO)
            .withSigning(new SigningSettings(SECRET, null));
    static final byte[] JUNK = {(byte) 0xC3, 0x01, 9, 9, 9, 9, 9, 9, 9, 9, 42};

    private int events;

    static ModelVersion signed(long version, double stdA) {
        return TestModels.signed(TestModels.standardNormal(MODEL, version, stdA), SECRET);
    }

    /** The version the detector scores {@link #MODEL} with now: sends one event; 0 when it is parked. */
    long served(TopologyHarness h) {
        events++;
        h.send(vector(MODEL, "e", START, "probe-" + events, Map.of("a", 0.5, "b", 0.0, "c", 0.0)));
        if (h.scores.isEmpty()) {
            assertEquals(1, h.parking.readRecordsToList().size(), "neither scored nor parked");
            return 0;
        }
        List<ScoredEvent> s = h.scores.readValuesToList();
        assertEquals(1, s.size());
        return s.get(0).getModelVersion();
    }

    @Test
    void junkKeyedLikeTheModelNeverDisplacesTheServedVersion() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(1, 1.0));
            h.publish(signed(2, 1.0));
            h.pipeModel(MODEL, JUNK, new RecordHeaders());
            h.pipeModel(MODEL, "{\"model\":\"payments\"}".getBytes(), new RecordHeaders());
            h.pipeModel(TopologyHarness.modelKey(signed(2, 1.0)), JUNK, new RecordHeaders());
            assertEquals(2, served(h));
            assertEquals(3.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "undecodable"));
            try (TopologyHarness restarted = h.restartedAfterCompaction()) {
                // the junk on the exact key of v2 replaced it on compaction (only ACLs prevent that): v1 is left
                assertTrue(served(restarted) >= 1, "a restarted detector must not park every event");
            }
        }
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(1, 1.0));
            h.publish(signed(2, 1.0));
            h.pipeModel(MODEL, JUNK, new RecordHeaders());
            try (TopologyHarness restarted = h.restartedAfterCompaction()) {
                assertEquals(2, served(restarted));
            }
        }
    }

    @Test
    void unsignedTombstonesAreIgnoredAndCountedWhenAKeyIsConfigured() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(1, 1.0));
            h.pipeModel(MODEL, null, new RecordHeaders());
            h.pipeModel(TopologyHarness.modelKey(signed(1, 1.0)), null, new RecordHeaders());
            assertEquals(1, served(h));
            assertEquals(2.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason",
                    "unsigned-deletion"));
        }
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(1, 1.0));
            h.pipeModel(MODEL, null, new RecordHeaders());
            try (TopologyHarness restarted = h.restartedAfterCompaction()) {
                assertEquals(1, served(restarted));
            }
        }
    }

    @Test
    void aReplayedOldSignedVersionNeverDowngrades() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            ModelVersion v1 = signed(1, 1.0);
            h.publish(v1);
            h.publish(signed(2, 1.0));
            h.pipeModel(MODEL, h.modelBytes(v1), new RecordHeaders());                         // under the model name
            h.pipeModel(TopologyHarness.modelKey(v1), h.modelBytes(v1), new RecordHeaders());  // under its own key
            assertEquals(2, served(h));
            try (TopologyHarness restarted = h.restartedAfterCompaction()) {
                assertEquals(2, served(restarted));
            }
        }
    }

    @Test
    void aStoreRestoredWithoutTheProcessorServesTheSameVersion() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            ModelVersion v1 = signed(1, 1.0);
            h.publish(v1);
            h.publish(signed(2, 1.0));
            h.pipeModel(MODEL, JUNK, new RecordHeaders());
            h.pipeModel("payments/pin/1", JUNK, new RecordHeaders());
            h.pipeModel(MODEL, h.modelBytes(v1), new RecordHeaders());
            assertEquals(2, served(h));
            // a restart whose restoration copied the compacted topic into the store, bypassing the processor
            KeyValueStore<String, byte[]> store = h.driver.getKeyValueStore(DetectorTopology.MODEL_STORE);
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> keys.add(kv.key));
            }
            keys.forEach(store::delete);
            try (TopologyHarness compacted = h.restartedAfterCompaction()) {
                for (TestRecord<String, byte[]> r : compacted.modelLog) {
                    store.put(r.key(), r.value());
                }
            }
            h.registry.clear();
            assertEquals(2, served(h));
        }
    }

    static ModelControl signedControl(ModelControl c) {
        try {
            return ModelControls.sign(c, ModelSigner.hmacKey(Base64.getDecoder().decode(SECRET)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelControl pin(long version, long sequence) {
        return signedControl(ModelControls.pin(MODEL, version, sequence, START, "test", null));
    }

    @Test
    void aSignedPinRollsBackUntilUnpinnedAndOlderPinsNeverOverrideNewerOnes() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(1, 1.0));
            h.publish(signed(2, 1.0));
            h.publish(signed(3, 1.0));
            h.control(pin(2, 1));
            assertEquals(2, served(h));
            assertTrue(h.registry.serving(MODEL).pinned());
            h.publish(signed(4, 1.0));
            assertEquals(2, served(h), "a pin holds while new versions arrive");
            assertEquals(4, h.registry.serving(MODEL).newest());

            h.control(pin(3, 2));
            assertEquals(3, served(h));
            h.control(pin(2, 1));                                                           // replayed older pin
            h.control(ModelControls.pin(MODEL, 1, 3, START, null, null));                   // unsigned
            h.pipeModel("payments/pin/7", h.controlBytes(pin(1, 3)), new RecordHeaders());  // signed, wrong key
            assertEquals(3, served(h));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "stale-control"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "signature"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "key-mismatch"));

            h.control(pin(9, 9));   // a version this detector never accepted: recorded, not applied
            assertEquals(4, served(h));
            assertFalse(h.registry.serving(MODEL).pinned());
            h.control(pin(2, 10));  // sorts before pin/9 as text: a rebuild must still apply it last
            assertEquals(2, served(h));
            try (TopologyHarness restarted = h.restartedAfterCompaction()) {
                assertEquals(2, served(restarted));
                restarted.registry.clear();
                assertEquals(2, served(restarted), "rebuilt from the store: the same pin is in force");
                assertTrue(restarted.registry.serving(MODEL).pinned());
            }
            h.control(signedControl(ModelControls.unpin(MODEL, 11, START, "done", null)));
            assertEquals(4, served(h));
            assertFalse(h.registry.serving(MODEL).pinned());
        }
    }

    @Test
    void onlySignedRetireRecordsRetireVersionsAndTheNewestRemainingServes() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(1, 1.0));
            h.publish(signed(2, 1.0));
            h.control(ModelControls.retire(MODEL, 2, START, null, null));  // unsigned: ignored
            assertEquals(2, served(h));
            h.control(signedControl(ModelControls.retire(MODEL, 2, START, "test", null)));
            assertEquals(1, served(h), "a signed RETIRE is an explicit rollback");
            h.publish(signed(2, 1.0));                                      // the retired version replayed
            assertEquals(1, served(h));
            h.control(signedControl(ModelControls.retire(MODEL, 1, START, "test", null)));
            assertEquals(0, served(h), "every version retired: parked");
            h.publish(signed(3, 1.0));
            assertEquals(3, served(h));
            try (TopologyHarness restarted = h.restartedAfterCompaction()) {
                assertEquals(3, served(restarted));
            }
        }
    }

    @Test
    void severalKeyIdsAllowRotationAndUnknownOrRemovedKeysAreRejected() throws Exception {
        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String old = "b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleSE=";
        DetectorSettings both = DetectorSettings.defaults().withCoolDown(Duration.ZERO).withSigning(new SigningSettings(
                null, null, Map.of("k2025", new SigningSettings.KeySettings(old, null),
                "k2026", new SigningSettings.KeySettings(null,
                        Base64.getEncoder().encodeToString(ed.getPublic().getEncoded())))));
        try (TopologyHarness h = new TopologyHarness(both)) {
            h.publish(TestModels.signed(TestModels.standardNormal(MODEL, 1, 1.0), old), "k2025");
            assertEquals(1, served(h));
            assertEquals("k2025", h.registry.get(MODEL).signingKeyId());
            h.publish(ModelSigner.sign(TestModels.standardNormal(MODEL, 2, 1.0), ed.getPrivate()), "k2026");
            assertEquals(2, served(h), "the trainer switched to the new key");
            assertEquals("k2026", h.registry.get(MODEL).signingKeyId());
            h.publish(TestModels.signed(TestModels.standardNormal(MODEL, 3, 1.0), old), "k2026"); // wrong key for id
            h.publish(TestModels.signed(TestModels.standardNormal(MODEL, 4, 1.0), SECRET), "k2027");
            assertEquals(2, served(h));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "signature"));
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "unknown-key"));
            h.control(ModelControls.sign(ModelControls.pin(MODEL, 1, 1, START, null, "k2026"), ed.getPrivate()));
            assertEquals(1, served(h), "controls name their key in the signed keyId field");

            DetectorSettings newOnly = both.withSigning(new SigningSettings(null, null, Map.of("k2026",
                    new SigningSettings.KeySettings(null, Base64.getEncoder().encodeToString(
                            ed.getPublic().getEncoded())))));
            try (TopologyHarness restarted = h.restartedAfterCompaction(newOnly)) {
                assertEquals(2, served(restarted), "k2025 removed: what it signed is no longer trusted");
                assertEquals(2.0, restarted.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason",
                        "unknown-key"), "v1 (k2025) and v4 (k2027)");
            }
        }
    }

    @Test
    void aSecondRecordOfAVersionIsRejectedAsDuplicate() {
        try (TopologyHarness h = new TopologyHarness(SIGNED)) {
            h.publish(signed(2, 1.0));
            h.publish(signed(2, 2.0)); // same version, other content: two publishers raced, or a forgery
            h.send(vector(MODEL, "e", START, "1", Map.of("a", 2.0, "b", 0.0, "c", 0.0)));
            ScoredEvent s = h.scores.readValue();
            assertEquals(2L, s.getModelVersion());
            assertEquals(TestModels.logDensity(Map.of("a", 2.0, "b", 0.0, "c", 0.0), 1.0), s.getLogDensity(), 0.05,
                    "the first record of v2 keeps serving");
            assertEquals(1.0, h.metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason",
                    "duplicate-version"));
        }
    }
}
