package io.normalcy.flow.state;

import io.normalcy.avro.Architecture;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import java.util.ArrayList;
import java.util.List;

/** {@link FlowSpec} ⇄ Avro {@code FlowType} + {@code Architecture}, with named errors for unknown enum strings. */
final class SpecCodec {
    private SpecCodec() {
    }

    static io.normalcy.avro.FlowType encodeType(FlowType t) {
        return io.normalcy.avro.FlowType.valueOf(t.name());
    }

    static Architecture encode(FlowSpec s) {
        List<Integer> hidden = new ArrayList<>();
        for (int h : s.hidden()) {
            hidden.add(h);
        }
        return Architecture.newBuilder().setDim(s.dim()).setContextDim(s.contextDim()).setBlocks(s.blocks())
                .setHidden(hidden).setActNorm(s.actNorm()).setLuLinear(s.luLinear())
                .setPermutation(s.permutation().name()).setOrdering(s.ordering().name())
                .setAdditive(s.additive()).setScaleClamp(s.scaleClamp()).setSeed(s.seed())
                .setComponents(s.components()).build();
    }

    static FlowSpec decode(io.normalcy.avro.FlowType type, Architecture a) throws InvalidModelException {
        if (type == null) {
            throw new InvalidModelException("flowType is missing");
        }
        PermutationMode perm = parse(PermutationMode.class, a.getPermutation(), "architecture.permutation");
        Ordering ordering = parse(Ordering.class, a.getOrdering(), "architecture.ordering");
        int[] hidden = a.getHidden().stream().mapToInt(Integer::intValue).toArray();
        try {
            return new FlowSpec(FlowType.valueOf(type.name()), a.getDim(), a.getContextDim(), a.getBlocks(), hidden,
                    a.getActNorm(), a.getLuLinear(), perm, ordering, a.getAdditive(), a.getScaleClamp(), a.getSeed(),
                    a.getComponents());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("invalid architecture: " + e.getMessage(), e);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> cls, String value, String field) throws InvalidModelException {
        try {
            return Enum.valueOf(cls, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidModelException(field + " has unknown value '" + value + "' (known: "
                    + java.util.Arrays.toString(cls.getEnumConstants()) + ")");
        }
    }
}
