package io.normalcy.flow.cli;

/**
 * A user error (bad argument, unknown column, non-numeric cell): printed as one line {@code error: <message>}
 * with a non-zero exit code, without a stack trace unless {@code --verbose}.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
