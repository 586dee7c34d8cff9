package io.normalcy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for TLS tests, made with the JDK's own {@code keytool} at test time (so no key
 * or certificate is checked in, and none outlives the test's directory): a CA, a server certificate it signed for
 * {@code 127.0.0.1}/{@code localhost}, a client certificate it signed (mutual TLS), and an unrelated second CA whose
 * trust store must NOT be able to reach the server. All stores are PKCS12 with {@link #password()}.
 *
 * @param truststore      trust store with the CA's certificate (what a client and the server trust)
 * @param serverKeystore  the server's key and certificate chain
 * @param clientKeystore  a client's key and certificate chain (signed by the same CA)
 * @param otherTruststore trust store with an unrelated CA only
 * @param password        password of every store and key
 */
public record TestCertificates(Path truststore, Path serverKeystore, Path clientKeystore, Path otherTruststore,
                               String password) {
    private static final String PASSWORD = "normalcy-test";

    /** Generates the stores into {@code dir} (created if needed). */
    public static TestCertificates generate(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        TestCertificates c = new TestCertificates(dir.resolve("truststore.p12"), dir.resolve("server.p12"),
                dir.resolve("client.p12"), dir.resolve("other-truststore.p12"), PASSWORD);
        keytool("-genkeypair", "-alias", "ca", "-dname", "CN=normalcy-test-ca", "-ext", "bc:c", "-keystore", ca);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", caPem);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", c.truststore);
        signed(dir, ca, caPem, c.serverKeystore, "server", "CN=127.0.0.1",
                "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth");
        signed(dir, ca, caPem, c.clientKeystore, "client", "CN=normalcy-test-client", "eku=clientAuth");
        Path other = dir.resolve("other-ca.p12");
        Path otherPem = dir.resolve("other-ca.pem");
        keytool("-genkeypair", "-alias", "other", "-dname", "CN=unrelated-ca", "-ext", "bc:c", "-keystore", other);
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", other, "-file", otherPem);
        keytool("-importcert", "-noprompt", "-alias", "other", "-file", otherPem, "-keystore", c.otherTruststore);
        return c;
    }

    /** A client-side context that trusts the CA and presents the client certificate (for test helpers). */
    public SSLContext clientContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(truststore));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(clientKeystore), password.toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the test certificates in " + truststore.getParent(), e);
        }
    }

    private KeyStore load(Path store) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    /** A key pair in {@code store}, its certificate signed by the CA, with the chain imported back. */
    private static void signed(Path dir, Path ca, Path caPem, Path store, String alias, String dname,
                               String... extensions) throws IOException, InterruptedException {
        Path csr = dir.resolve(alias + ".csr");
        Path pem = dir.resolve(alias + ".pem");
        keytool("-genkeypair", "-alias", alias, "-dname", dname, "-keystore", store);
        keytool("-certreq", "-alias", alias, "-keystore", store, "-file", csr);
        List<Object> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", ca, "-infile", csr,
                "-outfile", pem, "-rfc"));
        for (String ext : extensions) {
            gencert.add("-ext");
            gencert.add(ext);
        }
        keytool(gencert.toArray());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", store);
        keytool("-importcert", "-alias", alias, "-file", pem, "-keystore", store);
    }

    private static void keytool(Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.add("-J-XX:TieredStopAtLevel=1");
        for (Object a : args) {
            cmd.add(a.toString());
        }
        if (List.of(args).contains("-genkeypair")) { // EC: fast to generate, accepted by every TLS stack in the tests
            cmd.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool failed: " + String.join(" ", cmd) + "\n" + out);
        }
    }
}
