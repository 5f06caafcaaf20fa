package org.conch.server.cli;

/**
 * A command cannot do what was asked for a reason the user can fix (no identity yet, a file that
 * cannot be read): reported as one line {@code conch: <message>} with this exit code, no stack trace.
 */
final class CliException extends org.conch.server.config.ServerException {
    private final int exitCode;

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
