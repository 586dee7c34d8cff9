package io.normalcy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The detector's {@code GET /models} (read role, with this run's read key), to know which version it scores with
 * before producing more events.
 */
final class DetectorClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI models;
    private final String readKey;

    DetectorClient(int port, String readKey) {
        this.models = URI.create("http://localhost:" + port + "/models");
        this.readKey = readKey;
    }

    /**
     * Version of the demo model the detector has loaded, 0 when none or when the endpoint does not answer.
     *
     * @throws DemoException when the detector refuses the key (401/403): waiting would not help
     */
    long loadedVersion() {
        return loadedVersion(PaymentsModel.MODEL);
    }

    /** Version of {@code model} the detector has loaded, 0 when none (see {@link #loadedVersion()}). */
    long loadedVersion(String model) {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(models).header(DemoCredentials.HEADER, readKey)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            return 0;
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new DemoException("the detector refused the demo's API key on GET /models (" + r.statusCode() + "): "
                    + r.body());
        }
        try {
            if (r.statusCode() != 200) {
                return 0;
            }
            long v = 0;
            for (JsonNode m : JSON.readTree(r.body())) {
                if (model.equals(m.path("name").asText())) {
                    v = Math.max(v, m.path("version").asLong());
                }
            }
            return v;
        } catch (Exception e) {
            return 0;
        }
    }
}
