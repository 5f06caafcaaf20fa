package org.conch.server.log;

/** How conch writes its log lines on stderr: the {@code log-format} setting ({@code text} or {@code json}). */
public enum LogFormat {
    /** One line per event: timestamp, level, logger, the event's key=value pairs (logfmt), the message. */
    TEXT,
    /** One JSON object per line, each key-value pair a field of its own: for log shippers. */
    JSON
}
