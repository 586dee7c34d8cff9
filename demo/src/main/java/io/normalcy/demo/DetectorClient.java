package io.normalcy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The detector's {@code GET /models}, to know which version it scores with before producing more events. */
final class DetectorClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI models;

    DetectorClient(int port) {
        this.models = URI.create("http://localhost:" + port + "/models");
    }

    /** Version of the demo model the detector has loaded, 0 when none or when the endpoint does not answer. */
    long loadedVersion() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(models).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return 0;
            }
            long v = 0;
            for (JsonNode m : JSON.readTree(r.body())) {
                if (PaymentsModel.MODEL.equals(m.path("name").asText())) {
                    v = Math.max(v, m.path("version").asLong());
                }
            }
            return v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
