package org.conch.gossip.muxrpc;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The methods a peer serves, by dotted name ({@code ebt.replicate}), each with its call type, who may
 * call it and its handler. Fill it before connections use it; after that it is only read, so one
 * registry can serve every connection.
 */
public final class MethodRegistry {
    /** Who may call a method. */
    public enum Access {
        /** Any peer that completed the handshake (JS: in the {@code anonymous} allow list). */
        ANYONE,
        /** Only the local identity itself (JS: master). */
        MASTER
    }

    /** Serves one async call: the returned stage's value (or failure) is the reply. */
    @FunctionalInterface
    public interface AsyncHandler {
        CompletionStage<?> call(CallContext context, List<Object> args);
    }

    /**
     * Serves one stream call (source, sink or duplex). Write to {@code stream} (now or later, on the
     * connection's thread) and return the listener for what the caller sends, or null to ignore items
     * (a source). Throwing ends the stream with the exception's message as the error.
     */
    @FunctionalInterface
    public interface StreamHandler {
        StreamListener open(CallContext context, List<Object> args, Substream stream);
    }

    /** One registered method. {@code handler} is an {@link AsyncHandler} or a {@link StreamHandler}. */
    public record Method(String name, CallType type, Access access, Object handler) {
    }

    private final Map<String, Method> methods = new LinkedHashMap<>();

    public MethodRegistry async(String name, Access access, AsyncHandler handler) {
        return add(new Method(name, CallType.ASYNC, access, handler));
    }

    public MethodRegistry source(String name, Access access, StreamHandler handler) {
        return add(new Method(name, CallType.SOURCE, access, handler));
    }

    public MethodRegistry sink(String name, Access access, StreamHandler handler) {
        return add(new Method(name, CallType.SINK, access, handler));
    }

    public MethodRegistry duplex(String name, Access access, StreamHandler handler) {
        return add(new Method(name, CallType.DUPLEX, access, handler));
    }

    private MethodRegistry add(Method method) {
        if (method.name() == null || method.name().isEmpty() || method.name().startsWith(".")
                || method.name().endsWith(".") || method.name().contains("..")) {
            throw new IllegalArgumentException("invalid method name: " + method.name());
        }
        if (method.access() == null || method.handler() == null) {
            throw new IllegalArgumentException("method " + method.name() + " needs an access level and a handler");
        }
        if (methods.putIfAbsent(method.name(), method) != null) {
            throw new IllegalArgumentException("method already registered: " + method.name());
        }
        return this;
    }

    /** The method of that dotted name, or null. */
    public Method lookup(String name) {
        return methods.get(name);
    }

    public Collection<Method> methods() {
        return Collections.unmodifiableCollection(methods.values());
    }

    /**
     * The JS-style manifest of the methods {@code caller} may call: nested objects of type names
     * ({@code {"ebt":{"replicate":"duplex"}}}), in registration order.
     */
    public Map<String, Object> manifest(Caller caller) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Method method : methods.values()) {
            if (method.access() == Access.MASTER && !caller.master()) {
                continue;
            }
            String[] path = method.name().split("\\.");
            Map<String, Object> node = root;
            for (int i = 0; i < path.length - 1; i++) {
                Object child = node.get(path[i]);
                if (!(child instanceof Map)) {
                    child = new LinkedHashMap<String, Object>();
                    node.put(path[i], child);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) child;
                node = next;
            }
            node.put(path[path.length - 1], method.type().wireName());
        }
        return root;
    }
}
