package org.conch.server.room;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.gossip.room.AliasDirectory;
import org.conch.gossip.room.RoomService;
import org.conch.server.http.ApiRoutes;
import org.conch.server.http.HttpApi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A room's aliases: what {@code room.registerAlias} and {@code room.revokeAlias} record (in an {@link AliasStore}),
 * and the alias page {@code GET /alias/NAME} with its {@code ssb:experimental?action=consume-alias} link
 * (with {@code ?encoding=json}: {@code {status, multiserverAddress, roomId, userId, alias, signature}}).
 */
public final class AliasRoutes implements ApiRoutes, AliasDirectory {
    private final AliasStore store;
    private final FeedId roomId;
    private final Supplier<String> roomAddress;
    private final Supplier<String> baseUrl;
    private final Executor workers;

    /**
     * @param roomAddress the room's multiserver address, for the consume-alias link
     * @param baseUrl     how others reach this HTTP server ({@code http://host:port})
     * @param workers     where the database is written
     */
    public AliasRoutes(AliasStore store, FeedId roomId, Supplier<String> roomAddress, Supplier<String> baseUrl, Executor workers) {
        this.store = store;
        this.roomId = roomId;
        this.roomAddress = roomAddress;
        this.baseUrl = baseUrl;
        this.workers = workers;
    }

    @Override
    public CompletionStage<String> register(FeedId member, String alias, String signature) {
        return CompletableFuture.supplyAsync(() -> {
            if (!store.register(alias, member, signature)) {
                throw new RoomService.RoomException("the alias " + alias + " is taken");
            }
            return baseUrl.get() + "/alias/" + alias;
        }, workers);
    }

    @Override
    public CompletionStage<Boolean> revoke(FeedId member, String alias) {
        return CompletableFuture.supplyAsync(() -> {
            if (!store.revoke(alias, member)) throw new RoomService.RoomException("you have no alias " + alias + " here");
            return true;
        }, workers);
    }

    @Override
    public void mount(Router router) {
        router.get("/alias/:name").handler(this::page);
    }

    private void page(RoutingContext context) {
        String name = context.pathParam("name");
        boolean json = "json".equals(context.request().getParam("encoding"));
        AliasStore.Alias alias = store.find(name).orElse(null);
        if (alias == null) {
            if (json) HttpApi.json(context, 404, Map.of("status", "failed", "error", "no alias " + name + " here"));
            else html(context, 404, "<p>There is no such alias in this room.</p>");
            return;
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("status", "successful");
        resolved.put("multiserverAddress", roomAddress.get());
        resolved.put("roomId", roomId.toString());
        resolved.put("userId", alias.member().toString());
        resolved.put("alias", alias.alias());
        resolved.put("signature", alias.signature());
        if (json) {
            HttpApi.json(context, 200, resolved);
            return;
        }
        StringBuilder link = new StringBuilder("ssb:experimental?action=consume-alias");
        for (String key : new String[]{"alias", "userId", "signature", "roomId", "multiserverAddress"}) {
            link.append('&').append(key).append('=').append(URLEncoder.encode((String) resolved.get(key), StandardCharsets.UTF_8));
        }
        html(context, 200, "<p>" + escape(alias.alias()) + " is " + escape(alias.member().toString())
                + " in this room.</p>\n<p><a id=\"consume-alias-uri\" href=\"" + escape(link.toString())
                + "\">Connect with me</a> (in a Scuttlebutt app such as Manyverse)</p>");
    }

    static void html(RoutingContext context, int status, String body) {
        context.response().setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", "default-src 'none'")
                .end("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Room</title></head><body>\n"
                        + body + "\n</body></html>\n");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
