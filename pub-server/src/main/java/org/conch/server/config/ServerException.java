package org.conch.server.config;

/** Root of pub-server's own errors: the server or a command cannot do what was asked, for the reason given. */
public class ServerException extends RuntimeException {
    public ServerException(String message) {
        super(message);
    }

    public ServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
