package io.normalcy.bench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.bench.reliability.Ledger.AlertOut;
import io.normalcy.bench.reliability.Ledger.Expectation;
import io.normalcy.bench.reliability.Ledger.Input;
import io.normalcy.bench.reliability.Ledger.Output;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reliability suite's accounting fed with synthetic outputs: it must see a lost record, a duplicated one, a
 * stall that is not a loss, a misrouted record, an output nobody sent, and the alerts the cool-down allows. If this
 * accounting were blind, the suite's "0 lost, 0 duplicated" would mean nothing.
 */
class LedgerTest {

    private static Input good(int partition, long offset) {
        return new Input("good", partition, offset, 0, Expectation.SCORE);
    }

    private static Output score(int partition, long offset, String severity, String entity, long eventTime) {
        return Output.score(partition, offset, severity, 1, 0, 0, entity, eventTime);
    }

    @Test
    void everyInputScoredOnceIsClean() {
        Ledger l = new Ledger();
        for (long o = 0; o < 5; o++) {
            l.sent(good(0, o));
            l.observed(score(0, o, "NORMAL", "e" + o, o));
        }
        Tally t = l.tally(Map.of(0, 5L), 0);
        assertEquals(5, t.in());
        assertEquals(5, t.scoredOnce());
        assertTrue(t.clean(), t.toString());
    }

    @Test
    void aConsumedInputWithoutOutputIsLostButAnUnconsumedOneIsPending() {
        Ledger l = new Ledger();
        l.sent(good(0, 0));
        l.sent(good(0, 1));
        l.sent(good(1, 0));
        l.observed(score(0, 0, "NORMAL", "a", 0));
        // partition 0 committed past offset 1 (consumed, no output), partition 1 not consumed yet
        Tally t = l.tally(Map.of(0, 2L), 0);
        assertEquals(1, t.lost());
        assertEquals(1, t.pending());
        assertEquals(1, t.lostTotal());
        assertFalse(t.clean());
        assertTrue(t.examples().stream().anyMatch(e -> e.contains("LOST")), t.examples().toString());
    }

    @Test
    void aSecondOutputOfTheSameInputIsADuplicateWhereverItLands() {
        Ledger l = new Ledger();
        l.sent(good(0, 0));
        l.sent(good(0, 1));
        l.observed(score(0, 0, "NORMAL", "a", 0));
        l.observed(score(0, 0, "NORMAL", "a", 0));
        l.observed(score(0, 1, "NORMAL", "b", 1));
        l.observed(Output.deadLetter(0, 1, "SCORING_ERROR", 0, 0));
        Tally t = l.tally(Map.of(0, 2L), 0);
        assertEquals(2, t.duplicated());
        assertEquals(0, t.scoredOnce(), "an input with two outputs is not 'scored once'");
        assertEquals(0, t.lost());
        assertFalse(t.clean());
    }

    @Test
    void aWrongDestinationOrReasonIsMisroutedAndCountedPerKind() {
        Ledger l = new Ledger();
        l.sent(new Input("truncated-avro", 0, 0, 0, Expectation.deadLetter("DESERIALIZATION")));
        l.sent(new Input("missing-feature", 0, 1, 0, Expectation.deadLetter("MISSING_FEATURE")));
        l.sent(new Input("huge-entity", 0, 2, 0, Expectation.deadLetter()));
        l.sent(good(0, 3));
        l.observed(Output.deadLetter(0, 0, "DESERIALIZATION", 0, 0));
        l.observed(Output.deadLetter(0, 1, "OTHER", 0, 0));
        l.observed(Output.deadLetter(0, 2, "OTHER", 0, 0));
        l.observed(Output.parked(0, 3, "no-model", 0));
        Tally t = l.tally(Map.of(0, 4L), 0);
        assertEquals(2, t.misrouted(), "wrong reason and parked-instead-of-scored");
        assertEquals(Map.of("DESERIALIZATION", 1L, "OTHER", 2L), t.deadLettered());
        assertEquals(1, t.parked());
        assertEquals(1, t.kinds().get("huge-entity").asExpected(), "any reason is accepted where none is named");
        assertEquals(0, t.kinds().get("missing-feature").asExpected());
        assertEquals(Map.of("DLQ:OTHER", 1L), t.kinds().get("missing-feature").outcomes());
        assertFalse(t.clean());
    }

    @Test
    void anOutputOfAnInputNobodySentIsUnknown() {
        Ledger l = new Ledger();
        l.sent(good(0, 0));
        l.observed(score(0, 0, "NORMAL", "a", 0));
        l.observed(score(0, 7, "NORMAL", "a", 0));
        l.undecodable();
        Tally t = l.tally(Map.of(0, 1L), 0);
        assertEquals(2, t.unknownOutputs());
        assertFalse(t.clean());
    }

    @Test
    void withoutCoolDownEveryFlaggedScoreNeedsExactlyOneAlert() {
        Ledger l = new Ledger();
        for (long o = 0; o < 3; o++) {
            l.sent(good(0, o));
            l.observed(score(0, o, o == 1 ? "NORMAL" : "CRITICAL", "a", o * 1000));
        }
        l.alert(new AlertOut("id-0", 0, 0, 0));
        Tally missing = l.tally(Map.of(0, 3L), 0);
        assertEquals(1, missing.missingAlerts(), "offset 2 is flagged and has no alert");
        l.alert(new AlertOut("id-2", 0, 2, 0));
        l.alert(new AlertOut("id-2", 0, 2, 0));
        l.alert(new AlertOut("id-1", 0, 1, 0));
        Tally extra = l.tally(Map.of(0, 3L), 0);
        assertEquals(0, extra.missingAlerts());
        assertEquals(2, extra.extraAlerts(), "a repeated alert id and an alert for a NORMAL score");
        assertEquals(2, extra.duplicatedTotal());
    }

    @Test
    void theCoolDownSuppressesAlertsOfTheSameEntityWithinTheWindowAndALeakedOneIsADuplicate() {
        Ledger l = new Ledger();
        // entity a flagged at t = 0, 2 s, 6 s with a 5 s cool-down: alerts at 0 and 6 only; entity b independent
        long[] times = {0, 2000, 6000};
        for (int i = 0; i < 3; i++) {
            l.sent(good(0, i));
            l.observed(score(0, i, "WARNING", "a", times[i]));
        }
        l.sent(good(1, 0));
        l.observed(score(1, 0, "CRITICAL", "b", 1000));
        l.alert(new AlertOut("a0", 0, 0, 0));
        l.alert(new AlertOut("a2", 0, 2, 0));
        l.alert(new AlertOut("b0", 1, 0, 0));
        Map<Integer, Long> committed = Map.of(0, 3L, 1, 1L);
        assertTrue(l.tally(committed, 5000).clean(), l.tally(committed, 5000).toString());
        // after a crash that lost the cool-down state, the suppressed alert of t = 2 s would be re-emitted
        l.alert(new AlertOut("a1", 0, 1, 0));
        Tally leaked = l.tally(committed, 5000);
        assertEquals(1, leaked.extraAlerts());
        assertFalse(leaked.clean());
    }
}
