package io.normalcy.flow.train;

/**
 * One epoch of training, as reported to {@link ProgressListener}. NLLs are flow-space nats per record
 * (preprocessing log-dets not included).
 *
 * @param epoch             0-based epoch index
 * @param trainNll          mean training NLL over the epoch's steps (weights changing during the epoch)
 * @param valNll            validation NLL at the end of the epoch
 * @param samplesPerSecond  training records per second of wall time in this epoch
 * @param learningRate      learning rate of the epoch's last step
 * @param rollbacks         non-finite events so far (cumulative)
 */
public record EpochStats(int epoch, double trainNll, double valNll, double samplesPerSecond, double learningRate,
                         int rollbacks) {
}
