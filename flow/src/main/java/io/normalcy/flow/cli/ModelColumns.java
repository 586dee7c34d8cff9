package io.normalcy.flow.cli;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.preprocess.ContextSpec;
import java.util.ArrayList;
import java.util.List;

/** The context columns a model reads from a CSV: categorical fields, numeric sources, calendar sources. */
record ModelColumns(List<String> categorical, List<String> numericSources, List<String> calendarSources) {

    static ModelColumns of(NormalcyModel model) {
        ContextSpec cs = model.contextSpec();
        List<String> cat = new ArrayList<>();
        cs.categorical().forEach(f -> cat.add(f.name()));
        List<String> calendar = new ArrayList<>();
        for (ContextSpec.CyclicField f : cs.cyclic()) {
            if (f.source().startsWith("@")) {
                calendar.add(f.source());
            }
        }
        List<String> numeric = new ArrayList<>();
        cs.numeric().forEach(f -> numeric.add(f.name()));
        return new ModelColumns(List.copyOf(cat), InputColumns.numericSources(cs.cyclic(), numeric),
                List.copyOf(calendar));
    }

    boolean needsTime() {
        return !calendarSources.isEmpty();
    }

    List<String> allFields() {
        List<String> all = new ArrayList<>(categorical);
        all.addAll(numericSources);
        return all;
    }
}
