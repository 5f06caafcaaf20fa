package org.conch.server.http;

import io.vertx.ext.web.Router;
import org.conch.server.ConchServer;

/** A group of HTTP routes, mounted once when the server starts, after the security checks and the body handler. */
@FunctionalInterface
public interface ApiRoutes {
    void mount(Router router, ConchServer server);
}
