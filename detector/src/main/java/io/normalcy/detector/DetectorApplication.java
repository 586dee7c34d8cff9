package io.normalcy.detector;

import io.micronaut.runtime.Micronaut;

/**
 * The Normalcy detector service: scores every feature vector on Kafka by its exact log-density under the newest
 * version of its normalizing-flow model (MAF, Papamakarios et al. 2017; RealNVP, Dinh et al. 2017), raises alerts
 * with explanations, routes them to subscribers and asks for retraining when the traffic drifts.
 * Configuration: {@code normalcy.detector.*} ({@link io.normalcy.detector.config.DetectorConfiguration}) and
 * {@code kafka.*} ({@link io.normalcy.detector.runtime.KafkaProperties}).
 */
public final class DetectorApplication {
    private DetectorApplication() {
    }

    /**
     * Runs the service; with a first argument that is a command ({@code backfill}, {@code replay-parked}) runs the
     * command line instead ({@link io.normalcy.detector.cli.DetectorCli}), so one jar and one configuration serve both.
     */
    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            io.normalcy.detector.cli.DetectorCli.main(args);
            return;
        }
        Micronaut.run(DetectorApplication.class, args);
    }
}
