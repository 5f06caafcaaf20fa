package org.conch.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.server.api.ApiContract;
import org.conch.server.api.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of conch: the web client, its JSON API and the channel other CLI verbs use while a server
 * runs. Every request passes the same gate first (design.md, security model): a {@code Host} that is not
 * this server's refuses DNS rebinding, a foreign {@code Origin} refuses cross-site requests, each client address
 * may make at most {@code http-max-requests-per-second} requests under {@code /api} (more get 429 with
 * {@code Retry-After}), and every write under {@code /api} must carry the token from the data directory in
 * {@value #TOKEN_HEADER}.
 */
public final class HttpApi {
    public static final String TOKEN_HEADER = ApiContract.TOKEN_HEADER;
    /** Largest request body: a post is at most 8 KiB of UTF-16, so this leaves room for batches. */
    public static final long MAX_BODY_BYTES = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final String PRIVATE_PREFIX = "/api/private";
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Vertx vertx;
    private final byte[] token;
    private final List<ApiRoutes> routeGroups;
    private final String bindHost;
    /** Null when the rate is not limited. */
    private final RequestRateLimiter limiter;
    private volatile int port;

    /**
     * @param token     what writes must carry in {@value #TOKEN_HEADER}
     * @param bindHost  the address the server is bound to, which the {@code Host} of requests must name
     * @param perSecond requests a second one client address may make under {@code /api}; 0: no limit
     */
    public HttpApi(Vertx vertx, String token, String bindHost, int perSecond, List<ApiRoutes> routeGroups) {
        this.vertx = vertx;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.routeGroups = List.copyOf(routeGroups);
        this.bindHost = bindHost;
        this.limiter = perSecond == 0 ? null
                : new RequestRateLimiter(perSecond, RequestRateLimiter.DEFAULT_MAX_CLIENTS, System::nanoTime);
    }

    /** The port really bound (the configured one may be 0); Host and Origin checks compare against it. */
    public void boundTo(int value) {
        this.port = value;
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.route().handler(this::gate);
        for (ApiRoutes group : routeGroups) group.mountBodyHandlers(router);
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        for (ApiRoutes group : routeGroups) group.mount(router);
        router.route().last().handler(context -> fail(context, 404, "no such resource: " + context.request().path()));
        router.route().failureHandler(this::failure);
        return router;
    }

    private void gate(RoutingContext context) {
        HttpServerRequest request = context.request();
        // authority(): the Host header in HTTP/1.x, :authority in HTTP/2
        String host = request.authority() == null ? null : request.authority().toString();
        if (!acceptedHost(host)) {
            refuse(context, 403, "Host \"" + host + "\" is not this server");
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, host)) {
            refuse(context, 403, "cross-origin requests are refused (Origin " + origin + ")");
            return;
        }
        // the path as the router matches it: //api/x, /./api/x and /%61pi/x reach the /api/x routes too
        boolean api = context.normalizedPath().startsWith("/api/");
        if (api && limiter != null && overRate(context)) return;
        if (api && !READS.contains(request.method()) && !tokenMatches(request.getHeader(TOKEN_HEADER))) {
            refuse(context, 401, "writes need the " + TOKEN_HEADER + " header with the token in the data directory's api-token file");
            return;
        }
        // private messages are read by the local client only: it holds the token (an EventSource can only put it in the query)
        if (context.normalizedPath().startsWith(PRIVATE_PREFIX) && !tokenMatches(request.getHeader(TOKEN_HEADER))
                && !tokenMatches(request.getParam("token"))) {
            refuse(context, 401, "private messages need the " + TOKEN_HEADER + " header with the token in the data directory's api-token file");
            return;
        }
        context.response().putHeader("X-Content-Type-Options", "nosniff");
        context.response().putHeader("Referrer-Policy", "no-referrer");
        context.next();
    }

    /** Takes a token of the client's address; when it has none left, replies 429 with Retry-After and says so. */
    private boolean overRate(RoutingContext context) {
        SocketAddress remote = context.request().remoteAddress();
        long waitNanos = limiter.acquire(remote == null ? "" : remote.hostAddress());
        if (waitNanos == 0) return false;
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
        // one line per refusal would let a flood flood the log too
        LOG.debug("HTTP {} {} from {} refused: over {} requests a second", context.request().method(),
                context.request().path(), remote, limiter.perSecond());
        context.response().putHeader("Retry-After", Long.toString(seconds));
        fail(context, 429, "too many requests: at most " + limiter.perSecond()
                + " a second from one address (http-max-requests-per-second); retry after " + seconds + " s");
        return true;
    }

    private boolean acceptedHost(String host) {
        return acceptedHost(host, bindHost, port);
    }

    /**
     * Whether a request's {@code host} ({@code name[:port]}) names a server bound to {@code bindHost}:{@code expectedPort}:
     * loopback names when bound to loopback, the bound name otherwise, anything when bound to every interface.
     */
    static boolean acceptedHost(String host, String bindHost, int expectedPort) {
        if (host == null) return false;
        String name = host;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) {
            name = host.substring(0, colon);
            try {
                if (Integer.parseInt(host.substring(colon + 1)) != expectedPort) return false;
            } catch (NumberFormatException e) {
                return false;
            }
        } else if (expectedPort != 80) {
            return false;
        }
        name = name.toLowerCase(Locale.ROOT);
        if (bindHost.equals("0.0.0.0") || bindHost.equals("::")) return true; // exposed on purpose: any name, token still needed
        if (LOOPBACK_NAMES.contains(bindHost)) return LOOPBACK_NAMES.contains(name);
        return name.equals(bindHost.toLowerCase(Locale.ROOT));
    }

    private static boolean sameOrigin(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            String authority = uri.getRawAuthority();
            return "http".equals(uri.getScheme()) && authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean tokenMatches(String offered) {
        return offered != null && MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
    }

    private void refuse(RoutingContext context, int status, String reason) {
        LOG.atInfo().addKeyValue("address", context.request().remoteAddress()).addKeyValue("reason", reason)
                .log("HTTP {} {} from {} refused: {}", context.request().method(), context.request().path(),
                        context.request().remoteAddress(), reason);
        fail(context, status, reason);
    }

    private void failure(RoutingContext context) {
        Throwable cause = context.failure() == null ? null : Failures.unwrap(context.failure());
        int status = context.statusCode() > 0 ? context.statusCode() : 500;
        if (status == 413) {
            fail(context, 413, "request body over " + MAX_BODY_BYTES + " bytes");
            return;
        }
        if (cause != null && status == 500) LOG.warn("HTTP {} {} failed", context.request().method(), context.request().path(), cause);
        fail(context, status, cause == null ? "request failed" : String.valueOf(cause.getMessage()));
    }

    // ------------------------------------------------------------------ replies

    /** Replies {@code value} (the JSON model: Map, List, String, Double, Boolean, null) with {@code status}. */
    public static void json(RoutingContext context, int status, Object value) {
        if (context.response().ended()) return;
        context.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(CanonicalJson.compact(value));
    }

    /** Replies {@code {"error": text}} with {@code status}. */
    public static void fail(RoutingContext context, int status, String text) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", text);
        json(context, status, error);
    }

    /**
     * The path parameter {@code name} parsed as a ref by {@code parse} (e.g. {@code FeedId::tryParse});
     * when it is not one, a 400 reply saying it is not {@code what}, and null.
     */
    public static <T> T pathRef(RoutingContext context, String name, java.util.function.Function<String, java.util.Optional<T>> parse,
                                String what) {
        String text = context.pathParam(name);
        T ref = text == null ? null : parse.apply(text).orElse(null);
        if (ref == null) fail(context, 400, "not " + what + ": " + text);
        return ref;
    }

    /** The request body as the JSON model; a missing or malformed body is a 400 reply and null. */
    public static Map<String, Object> jsonObjectBody(RoutingContext context) {
        String body = context.body().asString();
        if (body == null || body.isBlank()) {
            fail(context, 400, "a JSON object body is required");
            return null;
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (RuntimeException e) {
            fail(context, 400, "the body is not JSON: " + e.getMessage());
            return null;
        }
        if (!(parsed instanceof Map<?, ?>)) {
            fail(context, 400, "the body must be a JSON object");
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) parsed;
        return object;
    }
}
