package io.normalcy.flow.cli;

import io.normalcy.schemas.TimeParser;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/**
 * {@code --time-zone}, shared by the commands that read event times: CSV exports usually write local
 * date-times ({@code 2014-07-01 00:00:00}) without an offset, and only the user knows which zone they are in.
 */
final class TimeZoneOption {
    @Option(names = "--time-zone", paramLabel = "ZONE", defaultValue = "UTC", description = "Zone of event times "
            + "without an offset (2014-07-01 00:00:00, 2014-07-01), e.g. Europe/Paris or +02:00 "
            + "(default: ${DEFAULT-VALUE}).")
    ZoneId zone;

    TimeParser parser() {
        return TimeParser.inZone(zone);
    }
}
