package org.conch.server.log;

/** The least severe events logged: the {@code log-level} setting ({@code error}, {@code warn}, {@code info}, {@code debug}). */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG
}
