package io.normalcy.flow.preprocess;

import io.normalcy.flow.preprocess.ContextSpec.CategoricalField;
import io.normalcy.flow.preprocess.ContextSpec.CyclicField;
import io.normalcy.flow.preprocess.ContextSpec.NumericField;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The context rules every reader of records shares: calendar parts vs numeric sources vs categorical names. */
class ContextSpecTest {
    private static final ContextSpec SPEC = new ContextSpec(
            List.of(new CategoricalField("region", List.of("eu", "us"))),
            List.of(new CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24), new CyclicField("angle", "deg", 360),
                    new CyclicField("dayOfWeek", ContextSpec.DAY_OF_WEEK, 7)),
            List.of(new NumericField("temp", 20, 5), new NumericField("deg", 180, 90)));

    @Test
    void calendarSourcesAreTheAtPrefixedOnes() {
        assertTrue(ContextSpec.isCalendarSource("@hourOfDay"));
        assertTrue(ContextSpec.isCalendarSource("@dayOfWeek"));
        assertFalse(ContextSpec.isCalendarSource("hour"));
        assertFalse(ContextSpec.isCalendarSource(null));
        assertEquals(List.of("@hourOfDay", "@dayOfWeek"), SPEC.calendarSources());
    }

    @Test
    void calendarFieldsHaveTheirNaturalPeriodAndUnknownOnesAreEmpty() {
        assertEquals(Optional.of(new CyclicField("hourOfDay", "@hourOfDay", 24)), ContextSpec.calendarField("@hourOfDay"));
        assertEquals(Optional.of(new CyclicField("dayOfWeek", "@dayOfWeek", 7)), ContextSpec.calendarField("@dayOfWeek"));
        assertEquals(Optional.empty(), ContextSpec.calendarField("@minuteOfHour"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CyclicField("m", "@minuteOfHour", 60));
        assertTrue(e.getMessage().contains("unknown calendar source '@minuteOfHour'"), e.getMessage());
    }

    @Test
    void numericSourcesAreNonCalendarCyclicSourcesThenNumericFieldsOnce() {
        assertEquals(List.of("deg", "temp"), SPEC.numericSources());
        assertEquals(List.of("deg", "temp"), ContextSpec.numericSources(SPEC.cyclic(), List.of("deg", "temp")));
        assertEquals(List.of("region", "deg", "temp"), SPEC.recordKeys());
        assertEquals(List.of(), ContextSpec.empty().recordKeys());
    }
}
