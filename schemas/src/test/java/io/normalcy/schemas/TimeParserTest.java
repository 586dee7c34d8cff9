package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeParserTest {

    private static final long JULY_1 = Instant.parse("2014-07-01T00:00:00Z").toEpochMilli();

    private static long utc(String text) {
        return TimeParser.UTC.toEpochMilli(text, "t");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "2014-07-01T00:00:00Z             | 2014-07-01T00:00:00Z",
        "2014-07-01t00:00:00z             | 2014-07-01T00:00:00Z",
        "2014-07-01T02:00:00+02:00        | 2014-07-01T00:00:00Z",
        "2014-07-01T02:00:00+0200         | 2014-07-01T00:00:00Z",
        "2014-07-01T02:00:00+02           | 2014-07-01T00:00:00Z",
        "2014-06-30T19:30:00-04:30        | 2014-07-01T00:00:00Z",
        "2014-07-01T02:00:00+02:00[Europe/Paris] | 2014-07-01T00:00:00Z",
        "2014-07-01T00:00:00.250Z         | 2014-07-01T00:00:00.250Z",
        "2014-07-01T00:00:00.123456789Z   | 2014-07-01T00:00:00.123Z",
        "2014-07-01 00:00:00Z             | 2014-07-01T00:00:00Z",
        "2014-07-01 00:00:00              | 2014-07-01T00:00:00Z",
        "2014-07-01 00:00:00.5            | 2014-07-01T00:00:00.500Z",
        "2014-07-01T00:00                 | 2014-07-01T00:00:00Z",
        "2014-07-01T13:45:10.25           | 2014-07-01T13:45:10.250Z",
        "2014-07-01                       | 2014-07-01T00:00:00Z",
        "2014/07/01 00:00:00              | 2014-07-01T00:00:00Z",
        "2014/07/01                       | 2014-07-01T00:00:00Z",
        "'  2014-07-01 00:00:00  '        | 2014-07-01T00:00:00Z",
        "1404172800                       | 2014-07-01T00:00:00Z",
        "1404172800.25                    | 2014-07-01T00:00:00.250Z",
        "1404172800000                    | 2014-07-01T00:00:00Z",
        "+1404172800000                   | 2014-07-01T00:00:00Z",
        "1404172800000.9                  | 2014-07-01T00:00:00Z",
        "0                                | 1970-01-01T00:00:00Z",
        "-1.5                             | 1969-12-31T23:59:58.500Z",
        "99999999999                      | 5138-11-16T09:46:39Z",
        "100000000000                     | 1973-03-03T09:46:40Z",
    })
    void acceptedFormsInUtc(String text, String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), utc(text));
        assertEquals(Instant.parse(expected), TimeParser.UTC.parse(text, "t"));
    }

    @Test
    void formsWithoutOffsetAreReadInTheConfiguredZone() {
        TimeParser paris = TimeParser.inZone(ZoneId.of("Europe/Paris")); // UTC+2 in July, UTC+1 in January
        long twoHours = 7_200_000L;
        assertEquals(JULY_1 - twoHours, paris.toEpochMilli("2014-07-01 00:00:00", "t"));
        assertEquals(JULY_1 - twoHours, paris.toEpochMilli("2014-07-01", "t"), "a date is the start of the local day");
        assertEquals(Instant.parse("2014-01-01T11:00:00Z").toEpochMilli(), paris.toEpochMilli("2014-01-01T12:00", "t"));
        assertEquals(JULY_1, paris.toEpochMilli("2014-07-01T00:00:00Z", "t"), "an explicit offset wins");
        assertEquals(JULY_1, paris.toEpochMilli("1404172800", "t"), "epoch numbers have no zone");
        // 2014-03-30 02:30 does not exist in Paris (clocks jump 02:00 -> 03:00): moved forward by the gap
        assertEquals(Instant.parse("2014-03-30T01:30:00Z").toEpochMilli(), paris.toEpochMilli("2014-03-30 02:30", "t"));
        // 2014-10-26 02:30 happens twice: the earlier offset (+02:00) is used
        assertEquals(Instant.parse("2014-10-26T00:30:00Z").toEpochMilli(), paris.toEpochMilli("2014-10-26 02:30", "t"));
        assertTrue(paris.accepted().contains("a date-time in Europe/Paris"), paris.accepted());
        assertEquals(ZoneId.of("Europe/Paris"), paris.zone());
    }

    @Test
    void offsetRequiredRefusesTimesWithoutOffsetAndAcceptsTheRest() {
        TimeParser strict = TimeParser.OFFSET_REQUIRED;
        assertEquals(JULY_1, strict.toEpochMilli("2014-07-01T02:00:00+02:00", "t"));
        assertEquals(JULY_1, strict.toEpochMilli("1404172800000", "t"));
        for (String local : new String[] {"2014-07-01 00:00:00", "2014-07-01T00:00", "2014-07-01", "2014/07/01"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> strict.toEpochMilli(local, "field 'eventTime'"));
            assertTrue(e.getMessage().startsWith("field 'eventTime' is not an ISO-8601 date-time with offset (add Z"
                    + " or +hh:mm"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + local + "'"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
        "yesterday", "01/07/2014", "07/01/2014 00:00", "2014-02-30", "2014-07-01T24:00:00", "2014-07-01T00:00:00+2",
        "2014-07-01  00:00", "2014-07-01T00:00:00 Z", "1.4e9", "1404172800.", ".5", "12345678901234567890",
        "1404172800.1234567891", "2014-07-01T00:00:00Z[Mars/Olympus]", "2014/07-01",
    })
    void refusedFormsNameTheSubjectQuoteTheValueAndListTheAcceptedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeParser.UTC.toEpochMilli(text, "data.csv line 7: column 'ts'"));
        assertTrue(e.getMessage().startsWith("data.csv line 7: column 'ts' is not an ISO-8601 date-time or epoch"
                + " number: '" + text + "' (accepted: ISO-8601 with offset (2014-07-01T00:00:00Z"), e.getMessage());
        assertTrue(e.getMessage().contains("2014-07-01 00:00:00"), e.getMessage());
        assertTrue(e.getMessage().contains("a number below 1e11 is seconds"), e.getMessage());
    }

    @Test
    void emptyIsAnErrorNeverEpochZero() {
        for (String blank : new String[] {"", "   ", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TimeParser.UTC.toEpochMilli(blank, "h.csv line 3: column 'eventTime'"));
            assertTrue(e.getMessage().startsWith("h.csv line 3: column 'eventTime' is empty (accepted: "), e.getMessage());
        }
    }

    @Test
    void numbersOutOfRangeAndLongValuesAreReportedShortened() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeParser.UTC.toEpochMilli("9999999999999999999", "t"));
        assertTrue(e.getMessage().startsWith("t is out of range as epoch milliseconds: '9999999999999999999'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TimeParser.UTC.epochMilli(new BigDecimal("-9999999999999999999"), "t"));
        assertTrue(e.getMessage().startsWith("t is out of range"), e.getMessage());
        String huge = "x".repeat(500);
        e = assertThrows(IllegalArgumentException.class, () -> TimeParser.UTC.toEpochMilli(huge, "t"));
        assertTrue(e.getMessage().contains("'" + "x".repeat(60) + "...'"), e.getMessage());
        assertTrue(e.getMessage().length() < 600, e.getMessage());
    }

    @Test
    void epochNumbersFromJsonFollowTheSameRule() {
        assertEquals(JULY_1, TimeParser.UTC.epochMilli(new BigDecimal("1404172800"), "t"));
        assertEquals(JULY_1 + 123, TimeParser.UTC.epochMilli(BigDecimal.valueOf(1404172800.123), "t"));
        assertEquals(JULY_1, TimeParser.UTC.epochMilli(new BigDecimal("1404172800000"), "t"));
    }
}
