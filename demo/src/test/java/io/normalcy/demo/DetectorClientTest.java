package io.normalcy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo reads GET /models with its read key, and a refused key stops the demo at once instead of a timeout. */
class DetectorClientTest {

    @Test
    void sendsTheReadKeyAndFailsLoudlyWhenRefused() throws Exception {
        DemoCredentials credentials = DemoCredentials.generate();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/models", ex -> {
            boolean ok = credentials.readKey().equals(ex.getRequestHeaders().getFirst("X-API-Key"));
            byte[] body = (ok ? "[{\"name\":\"payments\",\"version\":3}]" : "{\"message\":\"authentication required\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            int port = http.getAddress().getPort();
            assertEquals(3, new DetectorClient(port, credentials.readKey()).loadedVersion());
            DemoException e = assertThrows(DemoException.class,
                    () -> new DetectorClient(port, credentials.adminKey()).loadedVersion());
            assertTrue(e.getMessage().contains("401") && e.getMessage().contains("authentication required"), e.getMessage());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void everyRunHasItsOwnKeys() {
        DemoCredentials a = DemoCredentials.generate();
        assertNotEquals(a.readKey(), a.adminKey());
        assertNotEquals(a.readKey(), DemoCredentials.generate().readKey());
        assertEquals(64, a.readKey().length());
        assertTrue(!a.toString().contains(a.readKey()));
    }
}
