package io.normalcy.trainer.queue;

import java.util.List;

/**
 * One training to run: {@code request} decides the window and overrides (the most recent of the coalesced
 * requests), {@code requestIds} are all requests it answers (each gets the same status updates).
 */
public record TrainingTask(String model, TrainingRequest request, List<String> requestIds) {
    public TrainingTask {
        requestIds = List.copyOf(requestIds);
    }
}
