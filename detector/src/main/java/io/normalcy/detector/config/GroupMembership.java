package io.normalcy.detector.config;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the detector's Kafka Streams instance takes part in its consumer group ({@code application.id}); decides
 * how long partitions go unscored when an instance restarts or dies.
 * <ul>
 *   <li>{@code instanceId} (normalcy.detector.instance-id) non-null = <b>static membership</b>
 *   ({@code group.instance.id}; Kafka Streams adds {@code -<thread>}): an instance that restarts with the same id
 *   within the session timeout gets its partitions back at once, without a rebalance and without waiting for its
 *   old session to expire. It must be unique per instance and stable across its restarts (a StatefulSet pod name;
 *   a Deployment's pod name is unique but changes on every restart, which still works: the old id expires after the
 *   session timeout). Two running instances with the same id fence each other. null = dynamic membership.</li>
 *   <li>{@code sessionTimeout} (normalcy.detector.session-timeout): the partitions of an instance that died and
 *   does not come back move to the others after this long. The heartbeat interval is a third of it, at most 3 s.
 *   Must lie within the broker's {@code group.min.session.timeout.ms} and {@code group.max.session.timeout.ms}
 *   (defaults 6 s and 30 min).</li>
 *   <li>{@code leaveGroupOnClose} (normalcy.detector.leave-group-on-close): on a clean shutdown (SIGTERM), leave the
 *   group so the others take over the partitions at once (right when the instance goes away for good, e.g. a
 *   scale-down or a Deployment's pod); false keeps the membership so an instance restarting with the same id
 *   resumes without any rebalance (a StatefulSet's rolling restart), at the price of its partitions waiting up to
 *   the session timeout if it does not return.</li>
 * </ul>
 */
public record GroupMembership(String instanceId, Duration sessionTimeout, boolean leaveGroupOnClose) {
    public static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(6);
    public static final Duration MAX_SESSION_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(3);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public GroupMembership {
        instanceId = instanceId == null || instanceId.isBlank() ? null : instanceId.trim();
        if (instanceId != null && !ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("normalcy.detector.instance-id must be 1-200 characters of "
                    + "[A-Za-z0-9._-], got '" + instanceId + "'");
        }
        Objects.requireNonNull(sessionTimeout, "normalcy.detector.session-timeout");
        if (sessionTimeout.compareTo(MIN_SESSION_TIMEOUT) < 0 || sessionTimeout.compareTo(MAX_SESSION_TIMEOUT) > 0) {
            throw new IllegalArgumentException("normalcy.detector.session-timeout must be between 6s and 30m (the "
                    + "broker's default group.min/max.session.timeout.ms), got " + sessionTimeout);
        }
    }

    /** Dynamic membership, default session timeout, leave on close. */
    public static GroupMembership defaults() {
        return new GroupMembership(null, DEFAULT_SESSION_TIMEOUT, true);
    }

    public boolean isStatic() {
        return instanceId != null;
    }

    /** A third of the session timeout (Kafka's advice), at most Kafka's default of 3 s. */
    public Duration heartbeatInterval() {
        Duration third = sessionTimeout.dividedBy(3);
        return third.compareTo(MAX_HEARTBEAT) < 0 ? third : MAX_HEARTBEAT;
    }
}
