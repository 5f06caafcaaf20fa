package org.conch.server.log;

/** The two logging settings, {@code log-format} and {@code log-level}. */
public record LogSettings(LogFormat format, LogLevel level) {
}
