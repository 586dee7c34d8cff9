package io.normalcy.trainer.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Service-level settings under {@code normalcy.trainer}. Per-model definitions live under
 * {@code normalcy.trainer.models.<name>.*} and are parsed and validated by {@link ModelRegistry}.
 */
@ConfigurationProperties("normalcy.trainer")
public class TrainerConfig {
    private Isolation isolation = Isolation.PROCESS;
    private String instanceId = "trainer-1";
    private String artifactDir = "models";
    private int maxConcurrentTrainings = 1;
    private List<String> childJvmOptions = new ArrayList<>(List.of("-Xmx1g"));
    private Duration trainingTimeout = Duration.ofHours(2);
    private boolean retrainListener = true;
    private int recentRequestIds = 10_000;
    private Duration readTimeout = Duration.ofMinutes(5);
    private String hmacKey;
    private String ed25519PrivateKey;
    private String signingKeyId = "default";
    private int keepVersions = 5;

    public Isolation getIsolation() { return isolation; }
    public void setIsolation(Isolation isolation) { this.isolation = isolation; }
    public String getInstanceId() { return instanceId; }
    public void setInstanceId(String instanceId) { this.instanceId = instanceId; }
    public String getArtifactDir() { return artifactDir; }
    public void setArtifactDir(String artifactDir) { this.artifactDir = artifactDir; }
    public int getMaxConcurrentTrainings() { return maxConcurrentTrainings; }
    public void setMaxConcurrentTrainings(int n) { this.maxConcurrentTrainings = n; }
    public List<String> getChildJvmOptions() { return childJvmOptions; }
    public void setChildJvmOptions(List<String> childJvmOptions) { this.childJvmOptions = childJvmOptions; }
    public Duration getTrainingTimeout() { return trainingTimeout; }
    public void setTrainingTimeout(Duration trainingTimeout) { this.trainingTimeout = trainingTimeout; }
    public boolean isRetrainListener() { return retrainListener; }
    public void setRetrainListener(boolean retrainListener) { this.retrainListener = retrainListener; }
    public int getRecentRequestIds() { return recentRequestIds; }
    public void setRecentRequestIds(int recentRequestIds) { this.recentRequestIds = recentRequestIds; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
    /** Base64 HMAC-SHA256 key; when set, published models are signed with it. */
    public String getHmacKey() { return hmacKey; }
    public void setHmacKey(String hmacKey) { this.hmacKey = hmacKey; }
    /** Base64 PKCS#8 Ed25519 private key; when set, published models are signed with it (preferred over HMAC). */
    public String getEd25519PrivateKey() { return ed25519PrivateKey; }
    public void setEd25519PrivateKey(String key) { this.ed25519PrivateKey = key; }
    /** Id of the signing key, sent with every published record; detectors verify with their key of that id. */
    public String getSigningKeyId() { return signingKeyId; }
    public void setSigningKeyId(String signingKeyId) { this.signingKeyId = signingKeyId; }
    /** Versions kept per model; after a publish older ones get signed RETIRE records (never the pinned one). */
    public int getKeepVersions() { return keepVersions; }
    public void setKeepVersions(int keepVersions) { this.keepVersions = keepVersions; }
}
