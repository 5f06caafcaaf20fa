package org.conch.server.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.server.config.ServerException;
import org.conch.server.http.ApiRoutes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves the web client (the web-client module's resources) at {@code /}, from memory: the files are
 * read once when the server starts. index.html gets the API token in its {@code conch-token} meta tag,
 * so that only a page this server served (same origin, right Host) can write. A strict Content
 * Security Policy keeps any script but the client's own files from running, as a second wall behind
 * the sanitized markdown.
 */
public final class StaticRoutes implements ApiRoutes {
    static final String RESOURCE_DIRECTORY = "web-client/";
    static final String TOKEN_PLACEHOLDER = "<meta name=\"conch-token\" content=\"\">";
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' http: https:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** The client's files and their types; a new file of the client is added here. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final String apiToken;

    /** @param apiToken the token the served index.html carries, for the client's writes */
    public StaticRoutes(String apiToken) {
        this.apiToken = apiToken;
    }

    @Override
    public void mount(Router router) {
        Map<String, Buffer> bodies = new LinkedHashMap<>();
        for (String name : FILES.keySet()) bodies.put(name, Buffer.buffer(read(name)));
        String index = new String(read("index.html"), StandardCharsets.UTF_8);
        if (!index.contains(TOKEN_PLACEHOLDER)) throw new ServerException("web-client/index.html has no conch-token meta tag to fill in");
        bodies.put("index.html", Buffer.buffer(index.replace(TOKEN_PLACEHOLDER,
                "<meta name=\"conch-token\" content=\"" + escapeAttribute(apiToken) + "\">")));
        router.get("/").handler(context -> send(context, "index.html", bodies));
        // Browsers ask for it on their own; an empty answer keeps a 404 out of the console.
        router.get("/favicon.ico").handler(context -> context.response().setStatusCode(204).end());
        for (String name : FILES.keySet()) {
            router.get("/" + name).handler(context -> send(context, name, bodies));
        }
    }

    private static void send(RoutingContext context, String name, Map<String, Buffer> bodies) {
        context.response()
                .putHeader("Content-Type", FILES.get(name))
                // index.html carries the token: never cached; the rest is revalidated so an upgrade shows at once.
                .putHeader("Cache-Control", name.equals("index.html") ? "no-store" : "no-cache")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Frame-Options", "DENY")
                .end(bodies.get(name));
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticRoutes.class.getClassLoader().getResourceAsStream(RESOURCE_DIRECTORY + name)) {
            if (in == null) throw new ServerException("the web client's " + name + " is not on the class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ServerException("cannot read the web client's " + name + ": " + e.getMessage(), e);
        }
    }

    private static String escapeAttribute(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
