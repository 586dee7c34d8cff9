package io.normalcy.detector.runtime;

import io.normalcy.detector.topology.KnownTopics;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KnownTopics} from a topic list kept in memory: refreshed in the background every
 * {@code refresh-interval}, and on a miss (a subscription topic created a moment ago) at most once per
 * {@code miss-refresh-interval}, synchronously on the stream thread. So a record costs no broker round-trip; a
 * topic that does not exist costs at most one listing per miss interval, however many alerts go its way.
 *
 * <p>Nothing is listed before the first question (a context that never starts Kafka Streams never connects).
 * A failed listing keeps the previous list; before any listing succeeded every topic counts as missing, so the
 * copies go to the dead-letter topic (replayable) instead of blocking the producer.
 */
public final class AdminKnownTopics implements KnownTopics, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminKnownTopics.class);

    /** Lists the topic names, bounded in time; throws on failure. */
    @FunctionalInterface
    public interface TopicLister {
        Set<String> list() throws Exception;
    }

    private final TopicLister lister;
    private final Duration refreshInterval;
    private final long missIntervalNanos;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private volatile Set<String> topics = Set.of();
    private long lastAttempt;
    private boolean attempted;
    private ScheduledExecutorService background;
    private boolean closed;

    /**
     * @param refreshInterval     period of the background refresh
     * @param missRefreshInterval least time between two listings caused by misses
     * @param nanoTime            monotonic clock ({@code System::nanoTime}; tests drive their own)
     */
    public AdminKnownTopics(TopicLister lister, Duration refreshInterval, Duration missRefreshInterval,
                            LongSupplier nanoTime) {
        this.lister = Objects.requireNonNull(lister, "lister");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.missIntervalNanos = missRefreshInterval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public boolean exists(String topic) {
        if (topics.contains(topic)) {
            return true;
        }
        synchronized (lock) {
            if (topics.contains(topic)) {
                return true; // another thread refreshed meanwhile
            }
            long now = nanoTime.getAsLong();
            if (!attempted || now - lastAttempt >= missIntervalNanos) {
                refreshLocked(now);
                startBackground();
            }
            return topics.contains(topic);
        }
    }

    /** Lists the topics now (background task and tests). */
    public void refresh() {
        synchronized (lock) {
            refreshLocked(nanoTime.getAsLong());
        }
    }

    private void refreshLocked(long now) {
        attempted = true;
        lastAttempt = now;
        try {
            topics = Set.copyOf(lister.list());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Cannot list Kafka topics ({}); keeping the previous list of {} topics", e.toString(),
                    topics.size());
        }
    }

    private void startBackground() {
        if (background != null || closed) {
            return;
        }
        background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "normalcy-known-topics");
            t.setDaemon(true);
            return t;
        });
        long period = refreshInterval.toMillis();
        background.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (background != null) {
                background.shutdownNow();
            }
            if (lister instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("Closing the topic lister failed: {}", e.toString());
                }
            }
        }
    }

    /** Lists topics with an {@link Admin} client created on first use (no connection before it is needed). */
    static final class AdminLister implements TopicLister, AutoCloseable {
        private final Properties clientProps;
        private final Duration timeout;
        private Admin admin;

        AdminLister(Properties clientProps, Duration timeout) {
            this.clientProps = clientProps;
            this.timeout = timeout;
        }

        @Override
        public synchronized Set<String> list() throws Exception {
            if (admin == null) {
                admin = Admin.create(clientProps);
            }
            return admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis())).names()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        }

        @Override
        public synchronized void close() {
            if (admin != null) {
                admin.close(timeout);
            }
        }
    }
}
