package org.conch.server.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.server.config.ServerException;
import org.conch.server.http.ApiRoutes;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves the web client (the web-client module's resources, every file of the folder: see
 * {@link WebClientFiles}) at {@code /}, from memory: the files are read once when the server starts. index.html gets the API token in its {@code conch-token} meta tag,
 * so that only a page this server served (same origin, right Host) can write. A strict Content
 * Security Policy keeps any script but the client's own files from running, as a second wall behind
 * the sanitized markdown.
 */
public final class StaticRoutes implements ApiRoutes {
    static final String TOKEN_PLACEHOLDER = "<meta name=\"conch-token\" content=\"\">";
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' http: https:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final String apiToken;

    /** @param apiToken the token the served index.html carries, for the client's writes */
    public StaticRoutes(String apiToken) {
        this.apiToken = apiToken;
    }

    @Override
    public void mount(Router router) {
        Map<String, Buffer> bodies = new LinkedHashMap<>();
        Map<String, byte[]> files = WebClientFiles.load();
        files.forEach((name, bytes) -> bodies.put(name, Buffer.buffer(bytes)));
        String index = new String(files.get("index.html"), StandardCharsets.UTF_8);
        if (!index.contains(TOKEN_PLACEHOLDER)) throw new ServerException("web-client/index.html has no conch-token meta tag to fill in");
        bodies.put("index.html", Buffer.buffer(index.replace(TOKEN_PLACEHOLDER,
                "<meta name=\"conch-token\" content=\"" + escapeAttribute(apiToken) + "\">")));
        router.get("/").handler(context -> send(context, "index.html", bodies));
        // Browsers ask for it on their own; an empty answer keeps a 404 out of the console.
        router.get("/favicon.ico").handler(context -> context.response().setStatusCode(204).end());
        for (String name : files.keySet()) {
            router.get("/" + name).handler(context -> send(context, name, bodies));
        }
    }

    private static void send(RoutingContext context, String name, Map<String, Buffer> bodies) {
        context.response()
                .putHeader("Content-Type", WebClientFiles.contentType(name))
                // index.html carries the token: never cached; the rest is revalidated so an upgrade shows at once.
                .putHeader("Cache-Control", name.equals("index.html") ? "no-store" : "no-cache")
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Frame-Options", "DENY")
                .end(bodies.get(name));
    }

    private static String escapeAttribute(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
