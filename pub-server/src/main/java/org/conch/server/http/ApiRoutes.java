package org.conch.server.http;

import io.vertx.ext.web.Router;
import org.conch.server.ConchServer;

/** A group of HTTP routes, mounted once when the server starts, after the security checks and the body handler. */
@FunctionalInterface
public interface ApiRoutes {
    void mount(Router router, ConchServer server);

    /**
     * Routes that read their request body differently from the JSON API (another size limit, raw bytes):
     * mounted after the security checks but before the API's own body handler, which then leaves the body alone.
     */
    default void mountBodyHandlers(Router router, ConchServer server) {
    }
}
