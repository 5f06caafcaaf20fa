package org.conch.gossip.muxrpc;

import org.conch.gossip.GossipException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The muxrpc layer of one connection: its own request counter, its tables of open calls and streams,
 * and the dispatch of the peer's requests to a {@link MethodRegistry}. Packets come in through
 * {@link #receive(Packet)} and go out through a {@link PacketSink}; the session does no I/O, starts no
 * thread and never blocks. Use it from one thread (the connection's event loop).
 *
 * <p>Wire behaviour, as the JS peers expect it:
 * <ul>
 *   <li>our requests count from 1; replies and the callee's stream packets carry the negated number;</li>
 *   <li>async requests go out as {@code {name, args}} without {@code type}; incoming ones are accepted with
 *       or without it; stream requests carry {@code type};</li>
 *   <li>an async error is one packet with E=1 and no further end; a stream ends with E=1 and {@code true}
 *       or an error object, each side ends its own half once and answers the other's end with its own;</li>
 *   <li>an unknown or forbidden method gets an error reply and the connection stays up. Texts (JS
 *       secret-stack's, so that JS peers such as ssb-ebt recognise "method missing"): for a caller that is
 *       not master, {@code method:<name> is not in list of allowed methods}; for master (whom
 *       secret-stack lets call anything) and for a known method called with the wrong type,
 *       {@code no <type>:<name>}; {@code <name>} is the name as sent, an array joined by commas
 *       ({@code ebt,replicate}). {@link UnknownMethodStyle#GO} sends go-muxrpc's
 *       {@code muxrpc: no such command: ebt.replicate} instead;</li>
 *   <li>a packet for a request number of the peer that was seen before and is no longer open (a stream
 *       that closed or that we refused) is dropped, never taken for a new request and never answered: an
 *       end for a stream a JS peer does not know crashes it. The peer counts up from 1, but go-muxrpc
 *       may put two new requests on the wire out of order, so the numbers skipped below the highest seen
 *       are remembered (up to {@value #MAX_UNSEEN}) and still accepted as new.</li>
 * </ul>
 * Protocol violations (a JSON body that does not parse) throw {@link MuxrpcException} from
 * {@link #receive}; the adapter then closes the connection.
 */
public final class RpcSession {
    /** Which "no such method" text to send; see the class comment. */
    public enum UnknownMethodStyle { JS, GO }

    /** Whether {@code caller} may call {@code method}. */
    @FunctionalInterface
    public interface PermissionCheck {
        boolean allowed(Caller caller, MethodRegistry.Method method);

        /** Methods marked {@link MethodRegistry.Access#MASTER} only for master; the rest for anyone. */
        PermissionCheck BY_ACCESS = (caller, method) ->
                method.access() == MethodRegistry.Access.ANYONE || caller.master();
    }

    /**
     * Per-connection settings.
     *
     * @param maxOpenStreams       streams the peer may have open towards us; more are refused with an error
     * @param maxPendingCalls      async calls of the peer we may be serving at once; more are refused likewise
     * @param dispatcher           where replies of async handlers are sent from once their stage completes;
     *                             the Vert.x adapter passes the connection context's {@code runOnContext}
     * @param unknownMethodStyle   the text for a missing method
     * @param permission           the permission check run before each incoming call
     * @param handlerErrors        told about exceptions thrown by handlers and listeners (which end that
     *                             call or stream with an error), e.g. to log them
     * @param limitRefusals        told the text of each refusal of a call or stream for a limit above
     *                             (the peer got it as an error), e.g. to log the first one
     */
    public record Options(int maxOpenStreams, int maxPendingCalls, Executor dispatcher,
                          UnknownMethodStyle unknownMethodStyle, PermissionCheck permission,
                          Consumer<RuntimeException> handlerErrors, Consumer<String> limitRefusals) {
        public static final int DEFAULT_MAX_OPEN_STREAMS = 1024;
        public static final int DEFAULT_MAX_PENDING_CALLS = 1024;

        public Options {
            if (maxOpenStreams < 1) {
                throw new IllegalArgumentException("maxOpenStreams must be at least 1, got " + maxOpenStreams);
            }
            if (maxPendingCalls < 1) {
                throw new IllegalArgumentException("maxPendingCalls must be at least 1, got " + maxPendingCalls);
            }
            if (dispatcher == null || unknownMethodStyle == null || permission == null || handlerErrors == null
                    || limitRefusals == null) {
                throw new IllegalArgumentException("muxrpc options need a dispatcher, a style, a permission check, "
                        + "an error handler and a refusal handler");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_MAX_OPEN_STREAMS, DEFAULT_MAX_PENDING_CALLS, Runnable::run,
                    UnknownMethodStyle.JS, PermissionCheck.BY_ACCESS, e -> { }, refusal -> { });
        }

        public Options withMaxOpenStreams(int value) {
            return new Options(value, maxPendingCalls, dispatcher, unknownMethodStyle, permission, handlerErrors, limitRefusals);
        }

        public Options withMaxPendingCalls(int value) {
            return new Options(maxOpenStreams, value, dispatcher, unknownMethodStyle, permission, handlerErrors, limitRefusals);
        }

        public Options withDispatcher(Executor value) {
            return new Options(maxOpenStreams, maxPendingCalls, value, unknownMethodStyle, permission, handlerErrors, limitRefusals);
        }

        public Options withUnknownMethodStyle(UnknownMethodStyle value) {
            return new Options(maxOpenStreams, maxPendingCalls, dispatcher, value, permission, handlerErrors, limitRefusals);
        }

        public Options withPermission(PermissionCheck value) {
            return new Options(maxOpenStreams, maxPendingCalls, dispatcher, unknownMethodStyle, value, handlerErrors, limitRefusals);
        }

        public Options withHandlerErrors(Consumer<RuntimeException> value) {
            return new Options(maxOpenStreams, maxPendingCalls, dispatcher, unknownMethodStyle, permission, value, limitRefusals);
        }

        public Options withLimitRefusals(Consumer<String> value) {
            return new Options(maxOpenStreams, maxPendingCalls, dispatcher, unknownMethodStyle, permission, handlerErrors, value);
        }
    }

    private record PendingCall(String method, CompletableFuture<Object> result) {
    }

    /** A parsed incoming request, or the error to answer it with. */
    private record Request(String dotted, String shown, List<Object> args, String error) {
    }

    private final MethodRegistry registry;
    private final Caller caller;
    private final PacketSink sink;
    private final Options options;

    /** How many skipped request numbers of the peer are remembered as not seen yet. */
    static final int MAX_UNSEEN = 256;

    private int nextRequest = 1;
    private int highestIncoming;
    /** Numbers below {@link #highestIncoming} that the peer has not used yet (usually none). */
    private final TreeSet<Integer> unseenIncoming = new TreeSet<>();
    private final Map<Integer, PendingCall> calls = new HashMap<>();
    private final Map<Integer, Substream> outStreams = new HashMap<>();
    private final Map<Integer, Substream> inStreams = new HashMap<>();
    private int servingCalls;
    private int pausedStreams;
    private List<Runnable> drainHandlers;
    private boolean closed;

    public RpcSession(MethodRegistry registry, Caller caller, PacketSink sink) {
        this(registry, caller, sink, Options.defaults());
    }

    public RpcSession(MethodRegistry registry, Caller caller, PacketSink sink, Options options) {
        this.registry = registry;
        this.caller = caller;
        this.sink = sink;
        this.options = options;
    }

    public Caller caller() {
        return caller;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Nothing open either way: a goodbye now loses nothing. */
    public boolean isIdle() {
        return calls.isEmpty() && outStreams.isEmpty() && inStreams.isEmpty() && servingCalls == 0;
    }

    /** Streams the peer opened towards us that are still open. */
    public int openIncomingStreams() {
        return inStreams.size();
    }

    /** Streams we opened that are still open. */
    public int openOutgoingStreams() {
        return outStreams.size();
    }

    /** Our async calls still waiting for their reply. */
    public int pendingCalls() {
        return calls.size();
    }

    // ---------------------------------------------------------------- outgoing calls

    /**
     * Calls an async method ({@code "whoami"}, {@code "blobs.has"}) and returns its reply: the value
     * (JSON model, String or byte[]) or a {@link RemoteCallException}; a {@link MuxrpcException} if the
     * connection closes first.
     */
    public CompletableFuture<Object> async(String method, List<?> args) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        int request = takeRequestNumber();
        CompletableFuture<Object> result = new CompletableFuture<>();
        calls.put(request, new PendingCall(method, result));
        send(Packet.json(false, false, request, requestBody(method, args, null)));
        return result;
    }

    /** Opens a source: the peer writes, {@code listener} reads. {@link Substream#abort()} stops it early. */
    public Substream source(String method, List<?> args, StreamListener listener) {
        return openStream(method, args, CallType.SOURCE, listener);
    }

    /** Opens a sink: we write to the returned stream and end it; {@code listener} (may be null) sees the answer. */
    public Substream sink(String method, List<?> args, StreamListener listener) {
        return openStream(method, args, CallType.SINK, listener);
    }

    /** Opens a duplex: both write, {@code listener} reads. */
    public Substream duplex(String method, List<?> args, StreamListener listener) {
        return openStream(method, args, CallType.DUPLEX, listener);
    }

    private Substream openStream(String method, List<?> args, CallType type, StreamListener listener) {
        if (closed) {
            throw closedError();
        }
        int request = takeRequestNumber();
        Substream stream = new Substream(this, request, true, method, type);
        outStreams.put(request, stream);
        stream.listener(listener);
        send(Packet.json(true, false, request, requestBody(method, args, type)));
        return stream;
    }

    private int takeRequestNumber() {
        if (nextRequest == Integer.MAX_VALUE) {
            throw new MuxrpcException("request numbers of this connection are used up");
        }
        return nextRequest++;
    }

    /** {@code {name, args[, type]}} in the key order JS muxrpc sends. */
    private static Map<String, Object> requestBody(String method, List<?> args, CallType type) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", Arrays.asList((Object[]) method.split("\\.")));
        body.put("args", args == null ? List.of() : new ArrayList<Object>(args));
        if (type != null) {
            body.put("type", type.wireName());
        }
        return body;
    }

    // ---------------------------------------------------------------- incoming packets

    /**
     * Takes one packet from the peer.
     *
     * @throws MuxrpcException when the packet breaks the protocol; close the connection then
     */
    public void receive(Packet packet) {
        if (closed) {
            return;
        }
        int request = packet.request();
        if (request == 0 || request == Integer.MIN_VALUE) {
            return; // a one-way message (JS "emit", long removed), or a number nobody can have used
        }
        if (request < 0) {
            receiveReply(-request, packet);
        } else if (packet.stream()) {
            receiveStreamPacket(request, packet);
        } else {
            receiveAsyncRequest(request, packet);
        }
    }

    /** Takes several packets in order, e.g. what {@link PacketDecoder#feed(byte[])} returned. */
    public void receive(List<Packet> packets) {
        for (Packet packet : packets) {
            receive(packet);
        }
    }

    private void receiveReply(int request, Packet packet) {
        PendingCall call = calls.get(request);
        if (call != null) {
            Object value = packet.value(); // a body that does not parse leaves the call for close() to fail
            calls.remove(request);
            if (packet.end()) {
                call.result().completeExceptionally(RemoteCallException.fromBody(call.method(), value));
            } else {
                call.result().complete(value);
            }
            return;
        }
        Substream stream = outStreams.get(request);
        if (stream == null) {
            return; // late packet of a stream that closed, or of a call we never made
        }
        Object value = packet.value();
        if (!packet.stream()) {
            // An async-style reply to a stream: some peers answer a refused stream call so. It is their
            // only packet; they expect no end from us.
            if (packet.end()) {
                stream.onRemoteFailure(RemoteCallException.fromBody(stream.method(), value));
            }
            return;
        }
        if (packet.end()) {
            stream.onRemoteEnd(endError(stream.method(), value));
        } else {
            stream.onData(value);
        }
    }

    private void receiveStreamPacket(int request, Packet packet) {
        Substream stream = inStreams.get(request);
        if (stream != null) {
            Object value = packet.value();
            if (packet.end()) {
                stream.onRemoteEnd(endError(stream.method(), value));
            } else {
                stream.onData(value);
            }
            return;
        }
        if (!claimIncoming(request)) {
            return; // a stream that is closed or that we refused
        }
        if (packet.end()) {
            return; // a stream whose first packet is its end: nothing to serve, nothing to answer
        }
        openIncomingStream(request, packet);
    }

    private void openIncomingStream(int request, Packet packet) {
        Object body = packet.value();
        CallType type = body instanceof Map<?, ?> map ? CallType.streamType(map.get("type")) : null;
        if (type == null) {
            Object shownType = body instanceof Map<?, ?> map && map.containsKey("type") ? map.get("type") : null;
            refuseStream(request, "unsupported stream type:" + (shownType == null ? "undefined" : shownType));
            return;
        }
        Request parsed = parseRequest(body);
        if (parsed.error() != null) {
            refuseStream(request, parsed.error());
            return;
        }
        MethodRegistry.Method method = registry.lookup(parsed.dotted());
        String refusal = refusal(parsed, method, type);
        if (refusal != null) {
            refuseStream(request, refusal);
            return;
        }
        if (inStreams.size() >= options.maxOpenStreams()) {
            String text = "too many open streams on this connection (limit " + options.maxOpenStreams() + ")";
            refuseStream(request, text);
            options.limitRefusals().accept(text);
            return;
        }
        Substream stream = new Substream(this, request, false, method.name(), type);
        inStreams.put(request, stream);
        StreamListener listener;
        try {
            listener = ((MethodRegistry.StreamHandler) method.handler())
                    .open(new CallContext(caller, method.name(), type, request, this), parsed.args(), stream);
        } catch (RuntimeException e) {
            handlerFailed(e);
            stream.error(e);
            listener = null;
        }
        stream.listener(listener);
    }

    /** True when {@code request} is a number the peer has not used before, which it now has. */
    private boolean claimIncoming(int request) {
        if (request > highestIncoming) {
            for (int skipped = Math.max(highestIncoming + 1, request - MAX_UNSEEN); skipped < request; skipped++) {
                unseenIncoming.add(skipped);
            }
            while (unseenIncoming.size() > MAX_UNSEEN) {
                unseenIncoming.pollFirst();
            }
            highestIncoming = request;
            return true;
        }
        return unseenIncoming.remove(request);
    }

    private void refuseStream(int request, String message) {
        send(Packet.json(true, true, -request, RemoteCallException.errorBody(message)));
    }

    private void receiveAsyncRequest(int request, Packet packet) {
        if (!claimIncoming(request)) {
            return; // a number already used: a stale or confused packet
        }
        if (packet.end()) {
            return; // an error "request" means nothing
        }
        Request parsed = parseRequest(packet.value());
        if (parsed.error() != null) {
            replyError(request, parsed.error());
            return;
        }
        MethodRegistry.Method method = registry.lookup(parsed.dotted());
        String refusal = refusal(parsed, method, CallType.ASYNC);
        if (refusal != null) {
            replyError(request, refusal);
            return;
        }
        if (servingCalls >= options.maxPendingCalls()) {
            String text = "too many pending calls on this connection (limit " + options.maxPendingCalls() + ")";
            replyError(request, text);
            options.limitRefusals().accept(text);
            return;
        }
        servingCalls++;
        CompletionStage<?> stage;
        try {
            stage = ((MethodRegistry.AsyncHandler) method.handler())
                    .call(new CallContext(caller, method.name(), CallType.ASYNC, request, this), parsed.args());
        } catch (RuntimeException e) {
            handlerFailed(e);
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((value, error) -> options.dispatcher().execute(() -> reply(request, value, error)));
    }

    private void reply(int request, Object value, Throwable error) {
        servingCalls--;
        if (closed) {
            return;
        }
        if (error != null) {
            replyError(request, messageOf(error));
            return;
        }
        Packet packet;
        try {
            packet = Packet.of(false, false, -request, value);
        } catch (RuntimeException e) { // a value that has no JSON form
            handlerFailed(e);
            replyError(request, messageOf(e));
            return;
        }
        send(packet);
    }

    private void replyError(int request, String message) {
        send(Packet.json(false, true, -request, RemoteCallException.errorBody(message)));
    }

    /** Reads {@code {name, args}}; {@code type} is the caller's business (checked for streams only, as JS does). */
    private static Request parseRequest(Object body) {
        if (!(body instanceof Map<?, ?> map)) {
            return new Request(null, null, null, "invalid muxrpc request: not a JSON object");
        }
        Object name = map.get("name");
        String dotted;
        String shown;
        if (name instanceof String s && !s.isEmpty()) {
            dotted = s;
            shown = s;
        } else if (name instanceof List<?> parts && !parts.isEmpty() && parts.stream().allMatch(p -> p instanceof String)) {
            StringBuilder dots = new StringBuilder();
            StringBuilder commas = new StringBuilder();
            for (Object part : parts) {
                if (dots.length() > 0) {
                    dots.append('.');
                    commas.append(',');
                }
                dots.append(part);
                commas.append(part);
            }
            dotted = dots.toString();
            shown = commas.toString();
        } else {
            return new Request(null, null, null, "invalid muxrpc request: name must be a string or an array of strings");
        }
        if (!(map.get("args") instanceof List<?> args)) {
            return new Request(dotted, shown, null, "invalid muxrpc request: args must be an array");
        }
        @SuppressWarnings("unchecked")
        List<Object> argList = (List<Object>) args;
        return new Request(dotted, shown, argList, null);
    }

    /** Why the call cannot be served, in the text peers expect, or null when it can. */
    private String refusal(Request request, MethodRegistry.Method method, CallType type) {
        boolean permitted = method != null && options.permission().allowed(caller, method);
        boolean rightType = method != null && method.type() == type;
        if (permitted && rightType) {
            return null;
        }
        if (options.unknownMethodStyle() == UnknownMethodStyle.GO) {
            return "muxrpc: no such command: " + request.dotted();
        }
        if (!permitted && (method != null || !caller.master())) {
            return "method:" + request.shown() + " is not in list of allowed methods";
        }
        return "no " + type.wireName() + ":" + request.shown();
    }

    /** null for a normal end ({@code true}); anything else is an error end. */
    private static GossipException endError(String method, Object body) {
        return Boolean.TRUE.equals(body) ? null : RemoteCallException.fromBody(method, body);
    }

    // ---------------------------------------------------------------- flow control and closing

    /** The transport drained its write queue: run the drain handlers registered since the last drain. */
    public void drained() {
        List<Runnable> handlers = drainHandlers;
        drainHandlers = null;
        if (handlers != null) {
            for (Runnable handler : handlers) {
                handler.run();
            }
        }
    }

    /**
     * The connection is gone (goodbye, socket closed, protocol error): fails every pending call with a
     * {@link MuxrpcException} naming {@code reason}, ends every stream's listener likewise, sends nothing.
     */
    public void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        MuxrpcException cause = new MuxrpcException("connection closed: " + reason);
        List<PendingCall> pending = new ArrayList<>(calls.values());
        List<Substream> streams = new ArrayList<>(outStreams.values());
        streams.addAll(inStreams.values());
        calls.clear();
        outStreams.clear();
        inStreams.clear();
        drainHandlers = null;
        pausedStreams = 0;
        for (PendingCall call : pending) {
            call.result().completeExceptionally(cause);
        }
        for (Substream stream : streams) {
            stream.connectionClosed(cause);
        }
    }

    private MuxrpcException closedError() {
        return new MuxrpcException("connection closed");
    }

    // ---------------------------------------------------------------- for Substream

    void send(Packet packet) {
        if (!closed) {
            sink.send(packet);
        }
    }

    boolean writeQueueFull() {
        return sink.writeQueueFull();
    }

    void onDrain(Runnable handler) {
        if (closed) {
            return;
        }
        if (drainHandlers == null) {
            drainHandlers = new ArrayList<>(2);
        }
        drainHandlers.add(handler);
    }

    void streamPaused() {
        if (!closed && pausedStreams++ == 0) {
            sink.pauseReading();
        }
    }

    void streamResumed() {
        if (!closed && pausedStreams > 0 && --pausedStreams == 0) {
            sink.resumeReading();
        }
    }

    void removeStream(Substream stream) {
        (stream.isOutgoing() ? outStreams : inStreams).remove(stream.request(), stream);
    }

    void handlerFailed(RuntimeException e) {
        options.handlerErrors().accept(e);
    }

    static String messageOf(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message != null ? message : cause.getClass().getSimpleName();
    }
}
