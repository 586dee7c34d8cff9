package io.normalcy.bench.reliability;

import java.util.List;

/**
 * One row of the reliability table.
 *
 * @param name     case name (the {@code --cases} value)
 * @param title    what the case does, one line
 * @param tally    the accounting (null when the case failed before producing anything)
 * @param recovery resume / hand-over / recovery times, or "-"
 * @param memory   heap-after-GC slope, or "-"
 * @param failures why the case FAILED (empty = PASS)
 * @param notes    further figures and observations for the report
 * @param seconds  wall-clock duration of the case
 */
record CaseResult(String name, String title, Tally tally, String recovery, String memory, List<String> failures,
                  List<String> notes, double seconds) {
    boolean pass() {
        return failures.isEmpty();
    }

    /** Lost or duplicated anything (the suite's exit code 1). */
    boolean lostOrDuplicated() {
        return tally != null && (tally.lostTotal() > 0 || tally.duplicatedTotal() > 0);
    }
}
