package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.detector.api.ApiIt;
import io.normalcy.detector.api.TestCredentials;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.delivery.AlertBroadcaster;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real headless Chromium (Debian's chromium and chromedriver, never a downloaded browser)
 * against the real detector on the real broker: the page loads from the jar and takes the API key; an anomalous
 * event produced to the input topic is scored and its alert appears in the live feed with its per-feature
 * explanation; a malformed input record shows up in the dead-letter counts; a subscription created with the form
 * exists in the API; the retrain button puts a manual retrain request on the retrain topic. Skipped (with the
 * missing binary named) where chromium is not installed; CI installs it (.ci/run). Leaves a screenshot in
 * target/console.png (the one in docs/images comes from such a run).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsoleBrowserIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String MODEL = "console-model";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theConsoleShowsLiveAlertsCountsAndManagesSubscriptions(KafkaBroker broker) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(CHROMIUM)), CHROMIUM + " is missing (Debian package chromium)");
        assumeTrue(Files.isExecutable(Path.of(CHROMEDRIVER)), CHROMEDRIVER + " is missing (package chromium-driver)");
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("console");
        String input = topics.inputs().get(0);
        String opsTopic = "console-it.ops-alerts";
        ApiIt.createTopic(bootstrap, opsTopic);
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "console", "detector-console-it");
        Path profile = Files.createTempDirectory("console-it-chromium");
        // the browser starts while the detector does (each takes seconds on a small machine)
        CompletableFuture<WebDriver> starting = CompletableFuture.supplyAsync(() -> chromium(profile));
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ApplicationContext ctx = server.getApplicationContext();
            ItSupport.publishModel(producer, topics.models(), withTrainingTraces(TestModels.standardNormal(MODEL, 1, 1.0)));
            ApiIt.waitFor(() -> ctx.getBean(ModelRegistry.class).get(MODEL) != null, WAIT, "model loaded");
            AlertBroadcaster broadcaster = ctx.getBean(AlertBroadcaster.class);
            ApiIt.waitFor(broadcaster::isReady, WAIT, "alert stream consumer positioned");

            WebDriver browser = starting.join();
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            browser.get(server.getURL() + "/console/");
            assertEquals("Normalcy console", browser.getTitle());
            browser.findElement(By.id("api-key")).sendKeys(TestCredentials.ADMIN_KEY);
            browser.findElement(By.id("key-save")).click();
            wait.until(ExpectedConditions.textToBe(By.id("status"), "connected"));
            wait.until(ExpectedConditions.textToBe(By.id("feed-state"), "live"));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                    ".model[data-model='" + MODEL + "'] table.thresholds")));
            ApiIt.waitFor(() -> broadcaster.subscriberCount() >= 1, WAIT, "the page's feed subscribed");
            assertEquals(Boolean.TRUE, ((JavascriptExecutor) browser).executeScript("const c = [...document"
                    + ".querySelectorAll('.model canvas')];"
                    + " return c.length === 4 && c.every((x) => Chart.getChart(x));"),
                    "the model's charts are drawn (Chart.js loaded under the page's Content-Security-Policy)");
            assertEquals(List.of(3L, 3L), ((JavascriptExecutor) browser).executeScript("const c = [...document"
                    + ".querySelectorAll('.model canvas')].map((x) => Chart.getChart(x)).find((x) =>"
                    + " x.options.plugins.title.text.startsWith('Training loss per epoch'));"
                    + " return c ? c.data.datasets.map((d) => d.data.length) : null;"),
                    "the loss curve is plotted per epoch from the model's provenance (training and validation)");

            alertAppearsWithItsExplanation(browser, wait, producer, input);
            malformedRecordIsCounted(browser, wait, producer, input);
            subscriptionCreatedInTheFormExists(browser, wait, server, opsTopic);
            retrainButtonRequestsARetrain(browser, wait, bootstrap, topics.retrain());

            Path shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.createDirectories(Path.of("target"));
            Files.copy(shot, Path.of("target", "console.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            starting.thenAccept(WebDriver::quit); // also when the detector failed before the browser was used
        }
    }

    private static void alertAppearsWithItsExplanation(WebDriver browser, WebDriverWait wait,
                                                       KafkaProducer<String, byte[]> producer, String input)
            throws Exception {
        AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
        FeatureVector anomaly = FeatureVector.newBuilder(ItSupport.event(MODEL, 1, true, new Random(3)))
                .setEntity("card-4242").setEventId("console-anomaly").build();
        producer.send(new ProducerRecord<>(input, anomaly.getEntity(), avro.serialize(input, anomaly))).get();
        WebElement alert = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                "#alerts li.alert")));
        String text = alert.getText();
        assertTrue(text.contains("card-4242") && text.contains(MODEL + " v1"), text);
        List<String> features = alert.findElements(By.cssSelector("table.explanation tbody td:first-child")).stream()
                .map(WebElement::getText).toList();
        assertTrue(features.contains("a"), "the explanation names the anomalous feature: " + features);
        assertTrue(text.contains("expected"), "the explanation's typical values: " + text);
    }

    private static void malformedRecordIsCounted(WebDriver browser, WebDriverWait wait,
                                                 KafkaProducer<String, byte[]> producer, String input)
            throws Exception {
        producer.send(new ProducerRecord<>(input, "garbage", "not avro, not json".getBytes())).get();
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                "#dlq-counts tr[data-key='DESERIALIZATION']")));
        assertTrue(row.getText().endsWith("1"), row.getText());
    }

    private static void subscriptionCreatedInTheFormExists(WebDriver browser, WebDriverWait wait,
                                                           EmbeddedServer server, String opsTopic) throws Exception {
        browser.findElement(By.id("sub-id")).sendKeys("console-ops");
        browser.findElement(By.id("sub-models")).sendKeys(MODEL);
        new Select(browser.findElement(By.id("sub-severity"))).selectByVisibleText("CRITICAL");
        browser.findElement(By.id("sub-entity")).sendKeys("card-.*");
        browser.findElement(By.id("sub-topic")).sendKeys(opsTopic);
        browser.findElement(By.id("sub-create")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                "#subscriptions tr[data-subscription='console-ops']")));
        ApiIt.Response r = ApiIt.send(server.getURL(), "GET", "/subscriptions/console-ops", null);
        assertEquals(200, r.status(), r.body());
        Map<String, Object> json = r.json();
        @SuppressWarnings("unchecked")
        Map<String, Object> filter = (Map<String, Object>) json.get("filter");
        @SuppressWarnings("unchecked")
        Map<String, Object> delivery = (Map<String, Object>) json.get("delivery");
        assertEquals(List.of(MODEL), filter.get("models"));
        assertEquals("CRITICAL", filter.get("minSeverity"));
        assertEquals("card-.*", filter.get("entityPattern"));
        assertEquals(opsTopic, delivery.get("kafkaTopic"));
    }

    private static void retrainButtonRequestsARetrain(WebDriver browser, WebDriverWait wait, String bootstrap,
                                                      String retrainTopic) {
        browser.findElement(By.cssSelector("button.retrain[data-model='" + MODEL + "']")).click();
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.xpath(
                "//div[@data-model='" + MODEL + "']//span[starts-with(text(), 'retrain requested: ')]")));
        String requestId = message.getText().substring("retrain requested: ".length());
        AvroSerde<RetrainRequest> serde = AvroSerde.of(RetrainRequest.class);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = ApiIt.reader(bootstrap, retrainTopic)) {
            ApiIt.readUntil(c, () -> records.stream().anyMatch(r -> requestId.equals(
                    serde.deserialize(retrainTopic, r.value()).getRequestId())), records, WAIT);
        }
        RetrainRequest request = records.stream().map(r -> serde.deserialize(retrainTopic, r.value()))
                .filter(r -> requestId.equals(r.getRequestId())).findFirst()
                .orElseThrow(() -> new AssertionError("no retrain request " + requestId + " on " + retrainTopic));
        assertEquals(MODEL, request.getModel());
        assertEquals("manual", request.getReason());
        assertEquals("test-admin", request.getRequestedBy());
    }

    /** Debian's chromium through its own chromedriver: explicit paths, so Selenium Manager never downloads. */
    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1400");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1400));
        return driver;
    }

    /** The test model with the per-epoch loss curve and held-out quantiles a fitted model carries in provenance. */
    private static ModelVersion withTrainingTraces(ModelVersion mv) {
        Map<String, String> config = new java.util.HashMap<>(mv.getProvenance().getConfig());
        config.put("lossCurve", "5.1/5.3;4.6/4.8;4.3/4.4");
        config.put("heldOutQuantiles", "0.001:-12.1;0.01:-9.4;0.05:-7.2;0.1:-6.3;0.25:-5.1;0.5:-4.2;0.75:-3.6;0.9:-3.2;"
                + "0.99:-2.9");
        return io.normalcy.schemas.ModelDigests.withDigest(ModelVersion.newBuilder(mv).setProvenance(
                io.normalcy.avro.Provenance.newBuilder(mv.getProvenance()).setConfig(config).build()).build());
    }
}
