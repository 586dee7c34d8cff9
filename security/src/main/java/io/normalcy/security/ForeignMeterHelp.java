package io.normalcy.security;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.inject.Singleton;

/**
 * Help text for meters that libraries register without one: Micronaut's {@code executor} and HTTP timers and the
 * Kafka client metrics whose Kafka description is empty (per-node request latency), so that every metric in
 * {@code /prometheus} has help text ({@code promtool check metrics}, MetricsExpositionIT). Micronaut applies every MeterFilter bean to
 * the registry before meters are registered. Our own meters ({@code normalcy.*}) are left alone on purpose: they
 * must carry their own description, and the scrape check fails when one does not.
 * Here, in the module both services share, so the detector and the trainer register the same filter.
 */
@Singleton
public class ForeignMeterHelp implements MeterFilter {
    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getDescription() != null && !id.getDescription().isBlank()) {
            return id;
        }
        String help = help(id.getName());
        return help == null ? id : new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()),
                id.getBaseUnit(), help, id.getType());
    }

    /** Help text for a foreign meter without one, null for anything else. */
    static String help(String name) {
        switch (name) {
            case "executor" -> {
                return "Run time of tasks on a Micronaut executor service, by executor name";
            }
            case "http.server.requests" -> {
                return "HTTP requests served (Micronaut), by method, status and URI template";
            }
            case "http.client.requests" -> {
                return "HTTP requests sent by Micronaut's HTTP client, by method, status and host";
            }
            default -> {
            }
        }
        if (name.startsWith("kafka.")) {
            return "Kafka client metric " + name.substring("kafka.".length()) + " (Kafka gives it no description;"
                    + " see the Kafka monitoring documentation)";
        }
        return null;
    }
}
