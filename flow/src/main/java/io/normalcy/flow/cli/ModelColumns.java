package io.normalcy.flow.cli;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.preprocess.ContextSpec;
import java.util.ArrayList;
import java.util.List;

/** The context columns a model reads from a CSV: categorical fields, numeric sources, calendar sources. */
record ModelColumns(List<String> categorical, List<String> numericSources, List<String> calendarSources) {

    static ModelColumns of(NormalcyModel model) {
        ContextSpec cs = model.contextSpec();
        return new ModelColumns(cs.categorical().stream().map(ContextSpec.CategoricalField::name).toList(),
                cs.numericSources(), cs.calendarSources());
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
