package io.normalcy.trainer.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.normalcy.trainer.service.RetrainIntake;
import io.normalcy.trainer.service.TrainerLifecycle;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health} detail "trainer": DOWN when the retrain listener stopped (with the failure that stopped it, when
 * one did); shows busy models.
 */
@Singleton
@Requires(beans = TrainerLifecycle.class)
public class TrainerHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final TrainerLifecycle lifecycle;
    private final RetrainIntake intake;

    public TrainerHealthIndicator(TrainerLifecycle lifecycle, RetrainIntake intake) {
        this.lifecycle = lifecycle;
        this.intake = intake;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = lifecycle.listenerAlive() ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("retrainListener", lifecycle.listenerAlive() ? "running" : "stopped");
        details.put("busyModels", intake.queue().busyModels());
        Throwable failure = lifecycle.listenerFailure();
        if (failure != null) {
            details.put("retrainListenerError", failure.toString());
        }
        return details;
    }

    @Override
    protected String getName() {
        return "trainer";
    }
}
