package io.normalcy.demo;

import java.util.List;

/**
 * {@code --producer-only}: the event source of the docker-compose stack, where the trainer and the detector run
 * in their own containers. Produces a history spread over the last two days, asks for the first model through
 * the retrain topic, then streams events in real time (event time = now, the volume follows the daily cycle)
 * with injected anomalies, until stopped or until {@code limit} streamed events.
 */
final class ProducerOnly {
    private static final long DAY = 86_400_000L;

    private ProducerOnly() {
    }

    /**
     * @param ratePerSecond average streamed events per second
     * @param limit         streamed events before exiting, or null for no limit
     */
    static void run(String bootstrapServers, int history, double anomalyRate, long seed, double ratePerSecond,
                    Long limit, Console console) throws InterruptedException {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("--rate must be > 0, got " + ratePerSecond);
        }
        String prefix = "demo-" + Long.toString(System.currentTimeMillis(), 36);
        try (DemoKafka kafka = new DemoKafka(bootstrapServers)) {
            kafka.ensureTopics();
            long now = System.currentTimeMillis();
            DemoGenerator past = new DemoGenerator(seed, now - 2 * DAY, 2 * DAY / (double) history, prefix + "-h");
            List<DemoEvent> h = past.next(history, 0);
            kafka.produce(h);
            console.line("produced %,d history events to %s", h.size(), kafka.topics().names().features());
            kafka.requestRetrain(prefix + "-retrain-1", "demo producer: first model", null);
            console.line("retrain request sent; streaming %.0f events/s with %.1f%% anomalies%s", ratePerSecond,
                    100 * anomalyRate, limit == null ? " until stopped" : " (" + limit + " events)");
            DemoGenerator live = new DemoGenerator(seed + 1, System.currentTimeMillis(), 1000 / ratePerSecond,
                    prefix + "-s");
            long sent = 0;
            long lastReport = System.nanoTime();
            while (limit == null || sent < limit) {
                int batch = (int) Math.max(1, Math.min(ratePerSecond, limit == null ? Long.MAX_VALUE : limit - sent));
                List<DemoEvent> events = live.next(batch, anomalyRate);
                long wait = events.get(events.size() - 1).eventTime() - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait); // real time: an event is sent once its event time has come
                }
                kafka.produce(events);
                sent += events.size();
                if (System.nanoTime() - lastReport > 60e9) {
                    console.line("streamed %,d events", sent);
                    lastReport = System.nanoTime();
                }
            }
            console.line("streamed %,d events; done", sent);
        }
    }
}
