package io.normalcy.detector.cli;

import io.normalcy.detector.batch.ReplayParked;
import io.normalcy.schemas.ModelKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code detector replay-parked}: moves a model's parked records back to their source topics, exactly once. */
@Command(name = "replay-parked", mixinStandardHelpOptions = true,
        description = "Move the parked records of a model back to the topics they came from, once the models topic "
                + "has an accepted version of it (exactly once; a second run moves nothing twice).")
final class ReplayParkedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--model", required = true, description = "Model whose parked records to move.")
    String model;

    @Option(names = "--group", description = "Consumer group (and transactional id) of the replay; default: "
            + "normalcy-replay-parked.<model>.")
    String group;

    @Override
    public Integer call() {
        if (!ModelKeys.isValidModelName(model)) {
            throw new ParameterException(spec.commandLine(), "--model '" + model + "' is not a valid model name (it must not be empty or contain '/')");
        }
        if (group != null && group.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--group must not be blank");
        }
        PrintWriter out = spec.commandLine().getOut();
        ReplayParked.Result r = new ReplayParked(config.load(), out).run(model,
                group != null ? group : ReplayParked.defaultGroup(model));
        out.println("moved: " + r.moved() + " other models: " + r.otherModels() + " unreadable: " + r.unreadable());
        return 0;
    }
}
