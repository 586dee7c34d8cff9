package io.normalcy.flow.kernel;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the scoring kernel at start-up: {@code auto} (the default) takes the float SIMD kernel when the
 * {@code jdk.incubator.vector} module is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, as bin/, the Dockerfiles and the test plugins do) and the scalar
 * kernel otherwise; {@code scalar} forces the reference kernel; {@code simd} insists on the SIMD kernel and stops
 * start-up when the module is missing (a silent fallback would hide a misconfigured deployment that runs slower).
 *
 * <p>The setting comes from a configuration key (the detector's {@code normalcy.detector.scoring-kernel}) or, for
 * every other JVM (CLI, benchmarks), the system property {@value #PROPERTY}. Each distinct outcome is logged
 * once. On JDK 17 the module is incubating, so the JVM prints "WARNING: Using incubator modules" at start-up.
 */
public final class KernelSelector {
    /** System property read by {@link #fromSystemProperty()}: auto, scalar or simd. */
    public static final String PROPERTY = "normalcy.kernel";
    /** The Vector API's module (incubating in JDK 17). */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String SIMD_IMPLEMENTATION = "io.normalcy.flow.simd.VectorKernels";
    private static final Logger LOG = LoggerFactory.getLogger(KernelSelector.class);
    private static final ConcurrentHashMap<String, Boolean> LOGGED = new ConcurrentHashMap<>();
    private static volatile SimdKernels simd;

    private KernelSelector() {
    }

    /** Whether the JVM was started with the Vector API module. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** {@link #select(String, String)} of the system property {@value #PROPERTY} (unset = auto). */
    public static ScoringKernel fromSystemProperty() {
        return select(System.getProperty(PROPERTY), PROPERTY);
    }

    /**
     * The kernel for {@code setting} (auto, scalar or simd, any case; null or blank = auto) in this JVM.
     *
     * @param key the configuration key the setting came from, named in errors
     * @throws IllegalArgumentException naming {@code key} for an unknown value, or for simd without the module
     */
    public static ScoringKernel select(String setting, String key) {
        ScoringKernel k = select(setting, key, KernelSelector::vectorModulePresent);
        if (LOGGED.putIfAbsent(k + "/" + key, Boolean.TRUE) == null) {
            LOG.info("scoring kernel: {} ({}={}, {} module {})", k, key, setting == null ? "auto" : setting,
                    VECTOR_MODULE, vectorModulePresent() ? "present" : "absent");
        }
        return k;
    }

    /** The decision alone, with the module check injectable (tests). */
    static ScoringKernel select(String setting, String key, BooleanSupplier modulePresent) {
        String s = setting == null ? "" : setting.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "", "auto":
                return modulePresent.getAsBoolean() ? ScoringKernel.SIMD : ScoringKernel.SCALAR;
            case "scalar":
                return ScoringKernel.SCALAR;
            case "simd":
                if (!modulePresent.getAsBoolean()) {
                    throw new IllegalArgumentException(key + "=simd but the " + VECTOR_MODULE + " module is not"
                            + " in this JVM: start it with --add-modules " + VECTOR_MODULE + ", or set " + key
                            + " to auto or scalar");
                }
                return ScoringKernel.SIMD;
            default:
                throw new IllegalArgumentException(key + " must be auto, scalar or simd, got '" + setting + "'");
        }
    }

    /**
     * The SIMD layer factory, loaded by name on first use.
     *
     * @throws IllegalStateException when the Vector API module is absent (callers select SIMD only when present)
     */
    public static SimdKernels simdKernels() {
        SimdKernels s = simd;
        if (s != null) {
            return s;
        }
        if (!vectorModulePresent()) {
            throw new IllegalStateException("the SIMD kernel needs the " + VECTOR_MODULE + " module (--add-modules "
                    + VECTOR_MODULE + ")");
        }
        try {
            s = (SimdKernels) Class.forName(SIMD_IMPLEMENTATION).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the SIMD kernel " + SIMD_IMPLEMENTATION, e);
        }
        simd = s;
        return s;
    }
}
