package org.conch.server.config;

/** A configuration value is wrong: the message names the key, where the value came from and what is accepted. */
public final class ConfigException extends ServerException {
    public ConfigException(String message) {
        super(message);
    }
}
