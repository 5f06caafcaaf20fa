package org.conch.gossip.muxrpc;

import org.conch.feed.json.Json;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RpcSessionTest {
    /** Collects what the other side writes on a stream. */
    static class Collect implements StreamListener {
        final List<Object> items = new ArrayList<>();
        int ends;
        GossipException error;

        @Override
        public void onItem(Substream stream, Object item) {
            items.add(item);
        }

        @Override
        public void onEnd(Substream stream, GossipException error) {
            ends++;
            this.error = error;
        }
    }

    static String text(Packet packet) {
        return new String(packet.body(), StandardCharsets.UTF_8);
    }

    static Throwable failure(CompletableFuture<Object> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A session alone, its output captured; packets are handed to it by the test. */
    static final class Lone {
        final List<Packet> sent = new ArrayList<>();
        int pauses;
        int resumes;
        final RpcSession session;

        Lone(MethodRegistry registry, Caller caller) {
            session = new RpcSession(registry, caller, new PacketSink() {
                @Override
                public void send(Packet packet) {
                    sent.add(packet);
                }

                @Override
                public void pauseReading() {
                    pauses++;
                }

                @Override
                public void resumeReading() {
                    resumes++;
                }
            });
        }
    }

    static MethodRegistry whoami(String id) {
        return new MethodRegistry().async("whoami", Access.ANYONE,
                (ctx, args) -> CompletableFuture.completedFuture(object("id", id)));
    }

    @Nested
    class Async {
        @Test
        void callAndReply() {
            SessionPair pair = SessionPair.serving(whoami("@b"));
            CompletableFuture<Object> reply = pair.a.session.async("whoami", List.of());
            pair.pump();

            assertThat(reply.getNow(null)).isEqualTo(object("id", "@b"));
            Packet request = pair.a.sent.get(0);
            assertThat(request.request()).isEqualTo(1);
            assertThat(request.stream()).isFalse();
            assertThat(request.end()).isFalse();
            assertThat(text(request)).isEqualTo("{\"name\":[\"whoami\"],\"args\":[]}"); // no "type", as JS
            assertThat(pair.b.sent).hasSize(1);
            Packet response = pair.b.sent.get(0);
            assertThat(response.request()).isEqualTo(-1);
            assertThat(response.stream()).isFalse();
            assertThat(response.end()).isFalse();
            assertThat(text(response)).isEqualTo("{\"id\":\"@b\"}");
            assertThat(pair.a.session.isIdle()).isTrue();
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void argumentsArriveAndStringsTravelAsStringBodies() {
            MethodRegistry registry = new MethodRegistry().async("blobs.echo", Access.ANYONE,
                    (ctx, args) -> CompletableFuture.completedFuture(args.get(0)));
            SessionPair pair = SessionPair.serving(registry);
            CompletableFuture<Object> text = pair.a.session.async("blobs.echo", List.of("x"));
            CompletableFuture<Object> empty = pair.a.session.async("blobs.echo", List.of(""));
            CompletableFuture<Object> number = pair.a.session.async("blobs.echo", List.of(7));
            pair.pump();

            assertThat(text(pair.a.sent.get(0))).isEqualTo("{\"name\":[\"blobs\",\"echo\"],\"args\":[\"x\"]}");
            assertThat(text.getNow(null)).isEqualTo("x");
            assertThat(pair.b.sent.get(0).type()).isEqualTo(BodyType.STRING);
            assertThat(empty.getNow(null)).isEqualTo("");
            assertThat(pair.b.sent.get(1).type()).isEqualTo(BodyType.JSON);
            assertThat(text(pair.b.sent.get(1))).isEqualTo("\"\"");
            assertThat(number.getNow(null)).isEqualTo(7.0);
        }

        @Test
        void errorReplyIsOnePacketWithTheErrorFlagAndNoExtraEnd() {
            MethodRegistry registry = new MethodRegistry()
                    .async("blobs.has", Access.ANYONE, (ctx, args) -> CompletableFuture.failedFuture(
                            new IllegalArgumentException("invalid hash:" + args.get(0))))
                    .async("thrower", Access.ANYONE, (ctx, args) -> {
                        throw new IllegalStateException("thrown");
                    });
            List<RuntimeException> reported = new ArrayList<>();
            SessionPair pair = SessionPair.serving(registry,
                    RpcSession.Options.defaults().withHandlerErrors(reported::add));
            CompletableFuture<Object> reply = pair.a.session.async("blobs.has", List.of("this was a mistake"));
            CompletableFuture<Object> thrown = pair.a.session.async("thrower", List.of());
            pair.pump();

            Object error = failure(reply);
            assertThat(error).isInstanceOf(RemoteCallException.class);
            RemoteCallException remote = (RemoteCallException) error;
            assertThat(remote.getMessage()).isEqualTo("invalid hash:this was a mistake");
            assertThat(remote.remoteName()).isEqualTo("Error");
            assertThat(remote.method()).isEqualTo("blobs.has");
            assertThat(((RemoteCallException) failure(thrown)).getMessage()).isEqualTo("thrown");
            assertThat(reported).hasSize(1);

            assertThat(pair.b.sent).hasSize(2);
            Packet packet = pair.b.sent.get(0);
            assertThat(packet.request()).isEqualTo(-1);
            assertThat(packet.stream()).isFalse();
            assertThat(packet.end()).isTrue();
            assertThat(text(packet)).isEqualTo("{\"message\":\"invalid hash:this was a mistake\",\"name\":\"Error\","
                    + "\"stack\":\"Error: invalid hash:this was a mistake\"}");
            assertThat(pair.a.sent).hasSize(2); // the two requests, nothing else
            assertThat(pair.a.session.isIdle()).isTrue();
        }

        @Test
        void repliesGoThroughTheDispatcher() {
            ArrayDeque<Runnable> loop = new ArrayDeque<>();
            CompletableFuture<Object> later = new CompletableFuture<>();
            MethodRegistry registry = new MethodRegistry().async("slow", Access.ANYONE, (ctx, args) -> later);
            SessionPair pair = SessionPair.serving(registry, RpcSession.Options.defaults().withDispatcher(loop::add));
            CompletableFuture<Object> reply = pair.a.session.async("slow", List.of());
            pair.pump();
            assertThat(pair.b.session.isIdle()).isFalse();

            later.complete(true);
            assertThat(pair.b.sent).isEmpty();
            loop.poll().run();
            pair.pump();
            assertThat(reply.getNow(null)).isEqualTo(true);
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void pendingCallCap() {
            MethodRegistry registry = new MethodRegistry()
                    .async("hang", Access.ANYONE, (ctx, args) -> new CompletableFuture<>())
                    .async("whoami", Access.ANYONE, (ctx, args) -> CompletableFuture.completedFuture("@b"));
            SessionPair pair = SessionPair.serving(registry, RpcSession.Options.defaults().withMaxPendingCalls(2));
            pair.a.session.async("hang", List.of());
            pair.a.session.async("hang", List.of());
            CompletableFuture<Object> third = pair.a.session.async("hang", List.of());
            pair.pump();
            assertThat(((RemoteCallException) failure(third)).getMessage())
                    .isEqualTo("too many pending calls on this connection (limit 2)");
        }
    }

    @Nested
    class Streams {
        @Test
        void itemsAlreadyInJsonGoOutAsTheyAreAndArriveAsValues() {
            byte[] stored = "{\"previous\":null,\"sequence\":1,\"content\":{\"type\":\"post\",\"text\":\"\u00e9\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            MethodRegistry registry = new MethodRegistry().source("stored", Access.ANYONE, (ctx, args, stream) -> {
                stream.writeJson(stored);
                stream.end();
                return null;
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect();
            pair.a.session.source("stored", List.of(), collect);
            pair.pump();

            assertThat(pair.b.sent.get(0).type()).isEqualTo(BodyType.JSON);
            assertThat(pair.b.sent.get(0).body()).isEqualTo(stored);
            assertThat(collect.items).containsExactly(Json.parse(stored));
            assertThat(collect.ends).isEqualTo(1);
        }

        @Test
        void sourceOfNItemsThenEndIsEchoedExactlyOnce() {
            MethodRegistry registry = new MethodRegistry().source("count", Access.ANYONE, (ctx, args, stream) -> {
                int n = ((Double) args.get(0)).intValue();
                for (int i = 0; i < n; i++) {
                    stream.write(object("seq", i));
                }
                stream.end();
                return null;
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect();
            Substream stream = pair.a.session.source("count", List.of(100), collect);
            pair.pump();

            assertThat(collect.items).hasSize(100);
            assertThat(collect.items.get(99)).isEqualTo(object("seq", 99.0));
            assertThat(collect.ends).isEqualTo(1);
            assertThat(collect.error).isNull();
            assertThat(text(pair.a.sent.get(0))).isEqualTo("{\"name\":[\"count\"],\"args\":[100],\"type\":\"source\"}");
            assertThat(pair.a.sent.get(0).stream()).isTrue();
            assertThat(pair.b.sent).hasSize(101).allMatch(Packet::stream).allMatch(p -> p.request() == -1);
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1);
            assertThat(text(pair.b.sent.get(100))).isEqualTo("true");
            // The requester answered the end exactly once, with true, on its own number.
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.a.sent).hasSize(2);
            assertThat(text(pair.a.sent.get(1))).isEqualTo("true");
            assertThat(pair.a.sent.get(1).stream()).isTrue();
            assertThat(stream.isClosed()).isTrue();
            assertThat(pair.a.session.isIdle()).isTrue();
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void sourceEndingWithAnErrorIsEchoedOnce() {
            MethodRegistry registry = new MethodRegistry().source("fail", Access.ANYONE, (ctx, args, stream) -> {
                stream.write(1);
                stream.error("boom");
                stream.end(); // ignored: the half already ended
                return null;
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect();
            pair.a.session.source("fail", List.of(), collect);
            pair.pump();
            assertThat(collect.items).containsExactly(1.0);
            assertThat(collect.error).isInstanceOf(RemoteCallException.class).hasMessage("boom");
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1);
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void duplexBothDirections() {
            Collect served = new Collect();
            MethodRegistry registry = new MethodRegistry().duplex("chat", Access.ANYONE, (ctx, args, stream) -> {
                stream.write("hello " + args.get(0));
                return new StreamListener() {
                    @Override
                    public void onItem(Substream s, Object item) {
                        served.onItem(s, item);
                        s.write("echo:" + item);
                    }

                    @Override
                    public void onEnd(Substream s, GossipException error) {
                        served.onEnd(s, error);
                    }
                };
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect();
            Substream chat = pair.a.session.duplex("chat", List.of("a"), collect);
            chat.write("x");
            chat.write(object("y", true));
            pair.pump();
            assertThat(collect.items).containsExactly("hello a", "echo:x", "echo:{y=true}");
            assertThat(served.items).containsExactly("x", object("y", true));
            assertThat(collect.ends).isZero();

            chat.end();
            pair.pump();
            assertThat(served.ends).isEqualTo(1);
            assertThat(collect.ends).isEqualTo(1);
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1);
            assertThat(text(pair.a.sent.get(0))).endsWith(",\"type\":\"duplex\"}");
            assertThat(pair.a.session.isIdle()).isTrue();
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void duplexEndedByTheResponderFirst() {
            MethodRegistry registry = new MethodRegistry().duplex("once", Access.ANYONE, (ctx, args, stream) -> {
                stream.write(1);
                stream.end();
                return StreamListener.IGNORE;
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect();
            pair.a.session.duplex("once", List.of(), collect);
            pair.pump();
            assertThat(collect.items).containsExactly(1.0);
            assertThat(collect.ends).isEqualTo(1);
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1);
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void sinkThenAnswer() {
            Collect served = new Collect();
            MethodRegistry registry = new MethodRegistry().sink("collect", Access.ANYONE, (ctx, args, stream) -> served);
            SessionPair pair = SessionPair.serving(registry);
            Collect answer = new Collect();
            Substream sink = pair.a.session.sink("collect", List.of(), answer);
            for (int i = 0; i < 3; i++) {
                sink.write(i);
            }
            sink.write(new byte[]{1, 2});
            sink.write(new byte[0]); // carries nothing, never goes out as a goodbye
            sink.end();
            pair.pump();
            assertThat(served.items).hasSize(4).startsWith(0.0, 1.0, 2.0);
            assertThat((byte[]) served.items.get(3)).containsExactly(1, 2);
            assertThat(served.ends).isEqualTo(1);
            assertThat(answer.ends).isEqualTo(1);
            assertThat(answer.error).isNull();
            assertThat(pair.b.sent).hasSize(1);
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1);
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(sink.write(9)).isFalse();
        }

        @Test
        void abortFromTheRequester() {
            Substream[] served = new Substream[1];
            Collect servedSide = new Collect();
            MethodRegistry registry = new MethodRegistry().source("live", Access.ANYONE, (ctx, args, stream) -> {
                served[0] = stream;
                for (int i = 0; i < 3; i++) {
                    stream.write(i);
                }
                return servedSide;
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect() {
                @Override
                public void onItem(Substream stream, Object item) {
                    super.onItem(stream, item);
                    stream.abort();
                }
            };
            Substream stream = pair.a.session.source("live", List.of(), collect);
            pair.pump();

            assertThat(collect.items).containsExactly(0.0); // items after the abort are dropped
            assertThat(collect.ends).isEqualTo(1);
            assertThat(servedSide.ends).isEqualTo(1);
            assertThat(servedSide.error).isNull();
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1); // the responder's answer to the abort
            assertThat(served[0].isClosed()).isTrue();
            assertThat(served[0].write(99)).isFalse();
            assertThat(stream.isClosed()).isTrue();
            pair.pump();
            assertThat(pair.a.session.isIdle()).isTrue();
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void streamCapRefusesAndKeepsTheConnection() {
            MethodRegistry registry = new MethodRegistry()
                    .source("forever", Access.ANYONE, (ctx, args, stream) -> null)
                    .async("ping", Access.ANYONE, (ctx, args) -> CompletableFuture.completedFuture("pong"));
            SessionPair pair = SessionPair.serving(registry, RpcSession.Options.defaults().withMaxOpenStreams(2));
            Collect first = new Collect();
            Substream one = pair.a.session.source("forever", List.of(), first);
            pair.a.session.source("forever", List.of(), new Collect());
            Collect third = new Collect();
            pair.a.session.source("forever", List.of(), third);
            pair.pump();

            assertThat(third.error).isInstanceOf(RemoteCallException.class)
                    .hasMessage("too many open streams on this connection (limit 2)");
            assertThat(pair.b.session.openIncomingStreams()).isEqualTo(2);
            assertThat(pair.a.endsSentFor(3)).isEqualTo(1); // the requester answered the refusal
            assertThat(pair.b.endsSentFor(-3)).isEqualTo(1); // and that answer was not taken as a new call

            CompletableFuture<Object> ping = pair.a.session.async("ping", List.of());
            pair.pump();
            assertThat(ping.getNow(null)).isEqualTo("pong");

            one.abort();
            pair.pump();
            assertThat(first.ends).isEqualTo(1);
            assertThat(pair.b.session.openIncomingStreams()).isEqualTo(1);
            Collect again = new Collect();
            pair.a.session.source("forever", List.of(), again);
            pair.pump();
            assertThat(again.ends).isZero();
            assertThat(pair.b.session.openIncomingStreams()).isEqualTo(2);
        }

        @Test
        void handlerThatThrowsEndsItsStreamWithTheError() {
            List<RuntimeException> reported = new ArrayList<>();
            MethodRegistry registry = new MethodRegistry().source("bad", Access.ANYONE, (ctx, args, stream) -> {
                throw new IllegalStateException("no such feed");
            }).duplex("fragile", Access.ANYONE, (ctx, args, stream) -> (s, item) -> {
                throw new IllegalArgumentException("cannot take " + item);
            });
            SessionPair pair = SessionPair.serving(registry, RpcSession.Options.defaults().withHandlerErrors(reported::add));
            Collect bad = new Collect();
            pair.a.session.source("bad", List.of(), bad);
            Collect fragile = new Collect();
            Substream duplex = pair.a.session.duplex("fragile", List.of(), fragile);
            duplex.write("x");
            duplex.write("y");
            pair.pump();
            assertThat(bad.error).hasMessage("no such feed");
            assertThat(fragile.error).hasMessage("cannot take x");
            assertThat(reported).hasSize(2);
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.a.endsSentFor(2)).isEqualTo(1);
            assertThat(pair.b.session.isIdle()).isTrue();
            assertThat(pair.a.session.isIdle()).isTrue();
        }
    }

    @Nested
    class UnknownMethods {
        @Test
        void anonymousCallerGetsThePermissionTextThatSsbEbtRecognises() {
            SessionPair pair = SessionPair.serving(whoami("@b"));
            Collect ebt = new Collect();
            pair.a.session.duplex("ebt.replicate", List.of(object("version", 3, "format", "classic")), ebt);
            CompletableFuture<Object> missing = pair.a.session.async("foo.bar", List.of());
            pair.pump();

            RemoteCallException error = (RemoteCallException) ebt.error;
            assertThat(error.getMessage()).isEqualTo("method:ebt,replicate is not in list of allowed methods");
            assertThat(error.isMissingMethod("ebt", "replicate")).isTrue();
            assertThat(((RemoteCallException) failure(missing)).getMessage())
                    .isEqualTo("method:foo,bar is not in list of allowed methods");
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
            assertThat(pair.b.endsSentFor(-1)).isEqualTo(1);

            // The connection carries on.
            CompletableFuture<Object> who = pair.a.session.async("whoami", List.of());
            pair.pump();
            assertThat(who.getNow(null)).isEqualTo(object("id", "@b"));
            assertThat(pair.a.session.isIdle()).isTrue();
            assertThat(pair.b.session.isIdle()).isTrue();
        }

        @Test
        void masterCallerGetsTheNoTypeText() {
            SessionPair pair = new SessionPair(new MethodRegistry(), Caller.master("@b"), RpcSession.Options.defaults(),
                    whoami("@b"), Caller.master("@a"), RpcSession.Options.defaults());
            CompletableFuture<Object> missing = pair.a.session.async("foo.bar", List.of());
            Collect ebt = new Collect();
            pair.a.session.duplex("ebt.replicate", List.of(), ebt);
            pair.pump();
            assertThat(((RemoteCallException) failure(missing)).getMessage()).isEqualTo("no async:foo,bar");
            assertThat(ebt.error).hasMessage("no duplex:ebt,replicate");
        }

        @Test
        void knownMethodOfAnotherTypeGetsTheNoTypeText() {
            SessionPair pair = SessionPair.serving(whoami("@b"));
            Collect collect = new Collect();
            pair.a.session.source("whoami", List.of(), collect);
            pair.pump();
            assertThat(collect.error).hasMessage("no source:whoami");
        }

        @Test
        void masterOnlyMethodsAreRefusedToOthers() {
            MethodRegistry registry = new MethodRegistry().async("publish", Access.MASTER,
                    (ctx, args) -> CompletableFuture.completedFuture("%key"));
            SessionPair anonymous = SessionPair.serving(registry);
            CompletableFuture<Object> refused = anonymous.a.session.async("publish", List.of());
            anonymous.pump();
            assertThat(((RemoteCallException) failure(refused)).getMessage())
                    .isEqualTo("method:publish is not in list of allowed methods");
            assertThat(registry.manifest(Caller.anonymous("@x"))).isEmpty();

            SessionPair master = new SessionPair(new MethodRegistry(), Caller.master("@me"),
                    RpcSession.Options.defaults(), registry, Caller.master("@me"), RpcSession.Options.defaults());
            CompletableFuture<Object> allowed = master.a.session.async("publish", List.of());
            master.pump();
            assertThat(allowed.getNow(null)).isEqualTo("%key");
            assertThat(registry.manifest(Caller.master("@me"))).isEqualTo(object("publish", "async"));
        }

        @Test
        void goStyleText() {
            SessionPair pair = SessionPair.serving(new MethodRegistry(),
                    RpcSession.Options.defaults().withUnknownMethodStyle(RpcSession.UnknownMethodStyle.GO));
            Collect ebt = new Collect();
            pair.a.session.duplex("ebt.replicate", List.of(), ebt);
            pair.pump();
            assertThat(ebt.error).hasMessage("muxrpc: no such command: ebt.replicate");
            assertThat(((RemoteCallException) ebt.error).isMissingMethod("ebt", "replicate")).isTrue();
        }

        @Test
        void customPermissionCheck() {
            MethodRegistry registry = whoami("@b");
            SessionPair pair = SessionPair.serving(registry,
                    RpcSession.Options.defaults().withPermission((caller, method) -> !caller.peerId().equals("@a")));
            CompletableFuture<Object> refused = pair.a.session.async("whoami", List.of());
            pair.pump();
            assertThat(((RemoteCallException) failure(refused)).getMessage())
                    .isEqualTo("method:whoami is not in list of allowed methods");
        }
    }

    @Nested
    class Requests {
        @Test
        void requestNumbersAreCountedPerSession() {
            SessionPair pair = new SessionPair(whoami("@a"), Caller.anonymous("@b"), RpcSession.Options.defaults(),
                    whoami("@b"), Caller.anonymous("@a"), RpcSession.Options.defaults());
            CompletableFuture<Object> aFirst = pair.a.session.async("whoami", List.of());
            CompletableFuture<Object> aSecond = pair.a.session.async("whoami", List.of());
            CompletableFuture<Object> bFirst = pair.b.session.async("whoami", List.of());
            pair.pump();
            assertThat(aFirst.getNow(null)).isEqualTo(object("id", "@b"));
            assertThat(aSecond.getNow(null)).isEqualTo(object("id", "@b"));
            assertThat(bFirst.getNow(null)).isEqualTo(object("id", "@a"));
            assertThat(pair.a.sent.stream().filter(p -> p.request() > 0).map(Packet::request)).containsExactly(1, 2);
            assertThat(pair.b.sent.stream().filter(p -> p.request() > 0).map(Packet::request)).containsExactly(1);

            SessionPair other = SessionPair.serving(whoami("@c"));
            other.a.session.async("whoami", List.of());
            assertThat(other.a.sent.get(0).request()).isEqualTo(1);
        }

        @Test
        void nameAsDottedStringAndRequestsWithTypeAsync() {
            MethodRegistry registry = new MethodRegistry().async("blobs.has", Access.ANYONE,
                    (ctx, args) -> CompletableFuture.completedFuture(ctx.method() + ":" + args.size()));
            Lone lone = new Lone(registry, Caller.anonymous("@x"));
            lone.session.receive(Packet.json(false, false, 1,
                    object("name", "blobs.has", "args", List.of())));
            lone.session.receive(Packet.json(false, false, 2,
                    object("name", List.of("blobs", "has"), "type", "async", "args", List.of("&x"))));
            assertThat(lone.sent).containsExactly(Packet.of(false, false, -1, "blobs.has:0"),
                    Packet.of(false, false, -2, "blobs.has:1"));
        }

        @Test
        void malformedRequestsGetErrors() {
            Lone lone = new Lone(whoami("@b"), Caller.anonymous("@x"));
            lone.session.receive(Packet.json(false, false, 1, object("name", List.of("whoami"), "args", "nope")));
            lone.session.receive(Packet.json(false, false, 2, object("args", List.of())));
            lone.session.receive(Packet.json(false, false, 3, List.of()));
            lone.session.receive(Packet.json(true, false, 4, object("name", List.of("whoami"), "args", List.of(),
                    "type", "async")));
            lone.session.receive(Packet.json(true, false, 5, object("name", List.of("whoami"), "args", List.of())));
            assertThat(lone.sent).extracting(RpcSessionTest::text).containsExactly(
                    errorJson("invalid muxrpc request: args must be an array"),
                    errorJson("invalid muxrpc request: name must be a string or an array of strings"),
                    errorJson("invalid muxrpc request: not a JSON object"),
                    errorJson("unsupported stream type:async"),
                    errorJson("unsupported stream type:undefined"));
            assertThat(lone.sent).extracting(Packet::request).containsExactly(-1, -2, -3, -4, -5);
            assertThat(lone.sent).extracting(Packet::stream).containsExactly(false, false, false, true, true);
            assertThat(lone.sent).allMatch(Packet::end);
        }

        @Test
        void stalePacketsAreNeverTakenForNewRequests() {
            Lone lone = new Lone(new MethodRegistry(), Caller.anonymous("@x"));
            lone.session.receive(Packet.json(true, false, 1, object("name", List.of("nope"), "args", List.of(),
                    "type", "duplex")));
            assertThat(lone.sent).hasSize(1);
            // More data and the end of the refused stream, a repeated number, one-way messages and
            // replies to nothing: all dropped without a word.
            lone.session.receive(Packet.json(true, false, 1, "more"));
            lone.session.receive(Packet.json(true, true, 1, true));
            lone.session.receive(Packet.json(false, false, 1, object("name", List.of("x"), "args", List.of())));
            lone.session.receive(Packet.json(false, false, 0, List.of("emit")));
            lone.session.receive(Packet.json(false, false, -7, true));
            lone.session.receive(Packet.json(true, true, -7, true));
            lone.session.receive(Packet.json(true, true, 9, true));
            assertThat(lone.sent).hasSize(1);
        }

        @Test
        void requestsThatOvertakeEachOtherAreBothServed() {
            // go-muxrpc numbers requests under a lock but writes them after it: 3 may arrive before 2.
            Lone lone = new Lone(whoami("@b"), Caller.anonymous("@x"));
            Map<String, Object> call = object("name", List.of("whoami"), "args", List.of(), "type", "async");
            lone.session.receive(Packet.json(false, false, 1, call));
            lone.session.receive(Packet.json(false, false, 3, call));
            lone.session.receive(Packet.json(false, false, 2, call));
            lone.session.receive(Packet.json(false, false, 2, call)); // used now: dropped
            assertThat(lone.sent).extracting(Packet::request).containsExactly(-1, -3, -2);
        }

        @Test
        void unparsableJsonIsAProtocolViolation() {
            Lone lone = new Lone(whoami("@b"), Caller.anonymous("@x"));
            Packet broken = new Packet(false, false, BodyType.JSON, 1, "{\"name\":".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> lone.session.receive(broken)).isInstanceOf(MuxrpcException.class);
        }

        @Test
        void nonStreamErrorToAStreamEndsItWithoutAnAnswer() {
            Lone lone = new Lone(new MethodRegistry(), Caller.anonymous("@x"));
            Collect collect = new Collect();
            Substream stream = lone.session.source("createHistoryStream", List.of(), collect);
            lone.session.receive(Packet.json(false, true, -1, RemoteCallException.errorBody("no source:x")));
            assertThat(collect.error).hasMessage("no source:x");
            assertThat(lone.sent).hasSize(1); // only the request: no end for a stream the peer never opened
            assertThat(stream.isClosed()).isTrue();
            assertThat(lone.session.isIdle()).isTrue();
        }
    }

    @Nested
    class FlowAndClose {
        @Test
        void pausedStreamHoldsItemsAndEndUntilResumed() {
            Lone lone = new Lone(new MethodRegistry(), Caller.anonymous("@x"));
            Collect collect = new Collect() {
                @Override
                public void onItem(Substream stream, Object item) {
                    super.onItem(stream, item);
                    if (items.size() == 2) {
                        stream.pause();
                    }
                }
            };
            Substream stream = lone.session.source("feed", List.of(), collect);
            for (int i = 0; i < 5; i++) {
                lone.session.receive(Packet.json(true, false, -1, i));
            }
            lone.session.receive(Packet.json(true, true, -1, true));
            assertThat(collect.items).containsExactly(0.0, 1.0);
            assertThat(collect.ends).isZero();
            assertThat(lone.pauses).isEqualTo(1);
            assertThat(lone.sent).hasSize(1); // no answer before the end is delivered

            stream.resume();
            assertThat(collect.items).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
            assertThat(collect.ends).isEqualTo(1);
            assertThat(lone.resumes).isEqualTo(1);
            assertThat(lone.sent).hasSize(2);
            assertThat(lone.sent.get(1)).isEqualTo(Packet.json(true, true, 1, true));
            assertThat(stream.isClosed()).isTrue();
        }

        @Test
        void abortWhilePausedStillCloses() {
            Lone lone = new Lone(new MethodRegistry(), Caller.anonymous("@x"));
            Collect collect = new Collect();
            Substream stream = lone.session.source("feed", List.of(), collect);
            stream.pause();
            lone.session.receive(Packet.json(true, false, -1, 1));
            stream.abort();
            lone.session.receive(Packet.json(true, true, -1, true));
            assertThat(collect.items).isEmpty();
            assertThat(collect.ends).isEqualTo(1);
            assertThat(lone.pauses).isEqualTo(1);
            assertThat(lone.resumes).isEqualTo(1);
            assertThat(lone.sent).hasSize(2);
            assertThat(stream.isClosed()).isTrue();
            assertThat(lone.session.isIdle()).isTrue();
        }

        @Test
        void transportPausesWhileAConsumerIsPaused() {
            MethodRegistry registry = new MethodRegistry().source("count", Access.ANYONE, (ctx, args, stream) -> {
                for (int i = 0; i < 10; i++) {
                    stream.write(i);
                }
                stream.end();
                return null;
            });
            SessionPair pair = SessionPair.serving(registry);
            Collect collect = new Collect() {
                @Override
                public void onItem(Substream stream, Object item) {
                    super.onItem(stream, item);
                    if (items.size() == 3) {
                        stream.pause();
                    }
                }
            };
            Substream stream = pair.a.session.source("count", List.of(), collect);
            pair.pump();
            assertThat(pair.a.readingPaused).isTrue();
            assertThat(collect.items).hasSize(3);
            stream.resume();
            pair.pump();
            assertThat(pair.a.readingPaused).isFalse();
            assertThat(collect.items).hasSize(10);
            assertThat(collect.ends).isEqualTo(1);
            assertThat(pair.a.endsSentFor(1)).isEqualTo(1);
        }

        @Test
        void drainHandlersRunOnceAtTheNextDrain() {
            List<Substream> served = new ArrayList<>();
            SessionPair pair = SessionPair.serving(new MethodRegistry().source("bulk", Access.ANYONE,
                    (ctx, args, stream) -> {
                        served.add(stream);
                        return null;
                    }));
            pair.a.session.source("bulk", List.of(), new Collect());
            pair.pump();
            Substream stream = served.get(0);
            pair.b.queueFull = true;
            assertThat(stream.writeQueueFull()).isTrue();
            int[] runs = new int[1];
            stream.drainHandler(() -> runs[0]++);
            pair.b.queueFull = false;
            pair.b.session.drained();
            pair.b.session.drained();
            assertThat(runs[0]).isEqualTo(1);
        }

        @Test
        void closeFailsEverythingOpenAndSendsNothing() {
            Lone lone = new Lone(whoami("@x"), Caller.anonymous("@x"));
            CompletableFuture<Object> call = lone.session.async("whoami", List.of());
            Collect collect = new Collect();
            Substream stream = lone.session.source("feed", List.of(), collect);
            int before = lone.sent.size();

            lone.session.close("goodbye from peer");
            assertThat(failure(call)).isInstanceOf(MuxrpcException.class).hasMessage("connection closed: goodbye from peer");
            assertThat(collect.error).isInstanceOf(MuxrpcException.class);
            assertThat(collect.ends).isEqualTo(1);
            assertThat(stream.write(1)).isFalse();
            assertThat(lone.sent).hasSize(before);
            assertThat(lone.session.isClosed()).isTrue();
            assertThat(lone.session.isIdle()).isTrue();
            assertThat(failure(lone.session.async("whoami", List.of()))).isInstanceOf(MuxrpcException.class);
            assertThatThrownBy(() -> lone.session.source("feed", List.of(), collect)).isInstanceOf(MuxrpcException.class);
            lone.session.receive(Packet.json(false, false, 5, object("name", List.of("whoami"), "args", List.of())));
            assertThat(lone.sent).hasSize(before);
        }
    }

    static String errorJson(String message) {
        return "{\"message\":\"" + message + "\",\"name\":\"Error\",\"stack\":\"Error: " + message + "\"}";
    }
}
