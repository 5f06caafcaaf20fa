package org.conch.server.http;

import io.vertx.ext.web.Router;

/**
 * A group of HTTP routes, mounted once when the server starts, after the security checks and the body handler.
 * A group is constructed with what its handlers use, nothing more.
 */
@FunctionalInterface
public interface ApiRoutes {
    void mount(Router router);

    /**
     * Routes that read their request body differently from the JSON API (another size limit, raw bytes):
     * mounted after the security checks but before the API's own body handler, which then leaves the body alone.
     */
    default void mountBodyHandlers(Router router) {
    }
}
