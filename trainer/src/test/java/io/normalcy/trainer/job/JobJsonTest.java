package io.normalcy.trainer.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.Parameters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job spec reaches a child JVM as typed JSON and comes back equal, definition included. */
class JobJsonTest {
    private static ModelDefinition definition() {
        return Parameters.apply(ModelDefinition.defaults("payments"), Map.ofEntries(
                Map.entry("features", "amount,count"), Map.entry("integer-features", "count"),
                Map.entry("log1p-features", "amount"), Map.entry("categorical-context", "region"),
                Map.entry("cyclic-context", "@hourOfDay,angle:deg:360,week:@dayOfWeek:3.5"),
                Map.entry("numeric-context", "temp"), Map.entry("flow-type", "realnvp"), Map.entry("ordering", "random"),
                Map.entry("hidden", "32,16"), Map.entry("epochs", "7"), Map.entry("learning-rate", "0.0005"),
                Map.entry("levels", "0.02,0.002"), Map.entry("window", "P7D"), Map.entry("warm-start", "false"),
                Map.entry("validation-fraction", "0.15")), "");
    }

    @Test
    void specRoundTripsWithItsTypedDefinition() throws Exception {
        JobSpec spec = new JobSpec("payments", 3, definition(), "rows.bin", "model.avro", "result.json", 1000L, 2000L,
                Map.of("features-0", 42L), 5, "test", null);
        String json = JobJson.MAPPER.writeValueAsString(spec);
        JobSpec back = JobJson.MAPPER.readValue(json, JobSpec.class);
        assertEquals(spec, back);
        assertEquals(FlowType.REALNVP, back.definition().flowType());
        assertEquals(Ordering.RANDOM, back.definition().ordering());
        assertEquals(Duration.ofDays(7), back.definition().window());
        assertEquals(3.5, back.definition().cyclicContext().get(2).period());
        assertEquals(FitConfigs.from(spec.definition()).describe(), FitConfigs.from(back.definition()).describe());
    }

    @Test
    void definitionIsWrittenTypedNotAsConfigurationStrings() throws Exception {
        JsonNode d = JobJson.MAPPER.readTree(JobJson.MAPPER.writeValueAsString(new JobSpec("payments", 3, definition(),
                "rows.bin", "model.avro", "result.json", null, null, Map.of(), 0, "test", null))).get("definition");
        assertTrue(d.get("epochs").isInt(), d.toString());
        assertTrue(d.get("hidden").isArray() && d.get("hidden").get(0).isInt(), d.toString());
        assertTrue(d.get("learningRate").isDouble(), d.toString());
        assertTrue(d.get("warmStart").isBoolean(), d.toString());
        assertTrue(d.get("calibrateOnValidation").isBoolean(), d.toString());
        assertEquals("REALNVP", d.get("flowType").asText());
        assertEquals("PT168H", d.get("window").asText());
        assertEquals(List.of("amount", "count"), List.of(d.get("features").get(0).asText(), d.get("features").get(1).asText()));
    }

    /**
     * Issue 13: {@code calibrate-on-validation: false} reaches the child JVM's fit; a job file of an older trainer,
     * written before the key existed, keeps the default true (a missing primitive boolean would read as false).
     */
    @Test
    void calibrateOnValidationRoundTripsAndAnOlderJobFileWithoutItKeepsTheDefault() throws Exception {
        ModelDefinition off = Parameters.apply(definition(), Map.of("calibrate-on-validation", "false"), "");
        JobSpec spec = new JobSpec("payments", 3, off, "rows.bin", "model.avro", "result.json", null, null, Map.of(),
                0, "test", null);
        JobSpec back = JobJson.MAPPER.readValue(JobJson.MAPPER.writeValueAsString(spec), JobSpec.class);
        assertEquals(false, back.definition().calibrateOnValidation());
        assertEquals(false, FitConfigs.from(back.definition()).calibrateOnValidation());

        com.fasterxml.jackson.databind.node.ObjectNode tree = JobJson.MAPPER.valueToTree(spec);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("definition")).remove("calibrateOnValidation");
        String older = JobJson.MAPPER.writeValueAsString(tree);
        assertTrue(!older.contains("calibrateOnValidation"), older);
        JobSpec old = JobJson.MAPPER.readValue(older, JobSpec.class);
        assertEquals(true, old.definition().calibrateOnValidation());
        assertEquals(true, FitConfigs.from(old.definition()).calibrateOnValidation());
    }

    @Test
    void aResultCarriesTheAutoCandidatesAndAnOlderResultFileHasNone() throws Exception {
        JobResult r = new JobResult(List.of(new JobResult.Epoch(1, 2.0, 2.1, 100.0, null)), new double[] {-1.5}, 10,
                100.0, 2.0, 2.1, 50, Map.of(), List.of(
                new JobResult.Candidate("MAF_MOG 2×[16, 16]", true, 2.1, 1, 10, true, ""),
                new JobResult.Candidate("MAF 2×[16, 16]", false, null, 0, 0, false, "budget spent")),
                List.of(), List.of());
        JobResult back = JobJson.MAPPER.readValue(JobJson.MAPPER.writeValueAsString(r), JobResult.class);
        assertEquals(r.candidates(), back.candidates());
        String older = JobJson.MAPPER.writeValueAsString(r).replaceAll(",\\s*\"candidates\"\\s*:\\s*\\[.*\\]", "");
        assertTrue(!older.contains("candidates"), older);
        assertEquals(List.of(), JobJson.MAPPER.readValue(older, JobResult.class).candidates());
    }

    @Test
    void aResultCarriesLabelledCandidateEpochsAndThresholdBandsAndAnOlderResultFileHasNone() throws Exception {
        JobResult.Epoch e = new JobResult.Epoch(3, 2.0, 2.1, 100.0, "MAF_MOG K=3 2×[16, 16]");
        JobResult.Band b = new JobResult.Band("t=a,r=eu", 0.001, -9.5, -8.1, 0.52, 2.1, 1.3, 0.06, "t=a",
                "t=a,r=eu @0.001: rate expected within ×0.5–2.1 of the level");
        JobResult r = new JobResult(List.of(), new double[0], 10, 100.0, 2.0, 2.1, 50, Map.of(), List.of(),
                List.of(e), List.of(b));
        JobResult back = JobJson.MAPPER.readValue(JobJson.MAPPER.writeValueAsString(r), JobResult.class);
        assertEquals(List.of(e), back.candidateCurves());
        assertEquals(List.of(b), back.thresholdBands());
        JobResult older = JobJson.MAPPER.readValue("{\"curve\":[{\"epoch\":1,\"trainNll\":2.0,"
                + "\"validationNll\":2.1,\"samplesPerSecond\":100.0}],\"heldOutLogDensity\":[],"
                + "\"trainingMillis\":1,\"samplesPerSecond\":1.0,\"trainNll\":1.0,\"validationNll\":1.0,"
                + "\"trainRecords\":1,\"fitterSkipped\":{}}", JobResult.class);
        assertEquals(List.of(), older.candidateCurves());
        assertEquals(List.of(), older.thresholdBands());
        assertEquals(null, older.curve().get(0).candidate());
    }
}
