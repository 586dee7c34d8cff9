package io.normalcy.trainer;

import io.micronaut.runtime.Micronaut;

/**
 * Entry point of the trainer service. With a first argument {@code train} or {@code score} it runs the
 * command-line tool instead ({@link io.normalcy.trainer.cli.TrainerCli}), so one jar serves both uses and the
 * CLI shares the service's beans and configuration.
 */
public final class TrainerApplication {
    private TrainerApplication() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            io.normalcy.trainer.cli.TrainerCli.main(args);
            return;
        }
        Micronaut.run(TrainerApplication.class, args);
    }
}
