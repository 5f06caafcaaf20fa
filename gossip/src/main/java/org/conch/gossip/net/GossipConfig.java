package org.conch.gossip.net;

import org.conch.gossip.shs.SecretHandshake;

import java.time.Duration;
import java.util.Arrays;

/**
 * Settings of a {@link GossipNode}, validated once when built: a bad value is one
 * {@link IllegalArgumentException} naming the key and the accepted range.
 *
 * @param host                     the address the server binds ({@value #DEFAULT_HOST}: every interface)
 * @param port                     the TCP port to listen on ({@value #DEFAULT_PORT}; 0 picks a free one)
 * @param networkKey               the secret-handshake network key K (32 bytes; the main net's by default,
 *                                 another one for a test network)
 * @param handshakeTimeout         how long a connection may take from TCP accept/connect to a completed
 *                                 handshake before it is cut (also the TCP connect timeout when dialling)
 * @param maxConnections           connections at once, both directions, handshaking ones included; over it
 *                                 an incoming socket is closed before the handshake and a dial fails at once
 * @param maxConnectionsPerAddress incoming connections at once from one remote IP address, handshaking ones
 *                                 included; over it the socket is closed before the handshake
 * @param maxUnsentBytes           bytes written to a connection that the peer has not taken yet (queued in
 *                                 this process, past the kernel's buffers); over it the peer is not reading
 *                                 what it asks for and the connection is cut. Senders of bulk data pause at
 *                                 the socket's far smaller write-queue mark, so honest peers stay well below.
 */
public record GossipConfig(String host, int port, byte[] networkKey, Duration handshakeTimeout,
                           int maxConnections, int maxConnectionsPerAddress, int maxUnsentBytes) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8008;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 8;
    public static final int DEFAULT_MAX_UNSENT_BYTES = 16 << 20;
    public static final int MIN_MAX_UNSENT_BYTES = 64 << 10;

    static final Duration MIN_HANDSHAKE_TIMEOUT = Duration.ofMillis(10);
    static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofMinutes(10);
    static final int MAX_MAX_CONNECTIONS = 100_000;

    public GossipConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("gossip.host must be a host name or IP address, got \"" + host + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("gossip.port must be 0..65535 (0 = any free port), got " + port);
        }
        if (networkKey == null || networkKey.length != SecretHandshake.NETWORK_KEY_SIZE) {
            throw new IllegalArgumentException("gossip.networkKey must be " + SecretHandshake.NETWORK_KEY_SIZE
                    + " bytes, got " + (networkKey == null ? "none" : networkKey.length));
        }
        if (handshakeTimeout == null || handshakeTimeout.compareTo(MIN_HANDSHAKE_TIMEOUT) < 0
                || handshakeTimeout.compareTo(MAX_HANDSHAKE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("gossip.handshakeTimeout must be " + MIN_HANDSHAKE_TIMEOUT.toMillis()
                    + " ms..10 min, got " + handshakeTimeout);
        }
        if (maxConnections < 1 || maxConnections > MAX_MAX_CONNECTIONS) {
            throw new IllegalArgumentException("gossip.maxConnections must be 1.." + MAX_MAX_CONNECTIONS
                    + ", got " + maxConnections);
        }
        if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > maxConnections) {
            throw new IllegalArgumentException("gossip.maxConnectionsPerAddress must be 1..maxConnections ("
                    + maxConnections + "), got " + maxConnectionsPerAddress);
        }
        if (maxUnsentBytes < MIN_MAX_UNSENT_BYTES) {
            throw new IllegalArgumentException("gossip.maxUnsentBytes must be at least " + MIN_MAX_UNSENT_BYTES
                    + ", got " + maxUnsentBytes);
        }
        networkKey = networkKey.clone();
    }

    /** Every default: all interfaces, port 8008, the main network, 10 s, 256 connections, 8 per address, 16 MiB unsent. */
    public static GossipConfig defaults() {
        return new GossipConfig(DEFAULT_HOST, DEFAULT_PORT, SecretHandshake.mainNetworkKey(),
                DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_UNSENT_BYTES);
    }

    @Override
    public byte[] networkKey() {
        return networkKey.clone();
    }

    public GossipConfig withHost(String value) {
        return new GossipConfig(value, port, networkKey, handshakeTimeout, maxConnections, maxConnectionsPerAddress, maxUnsentBytes);
    }

    public GossipConfig withPort(int value) {
        return new GossipConfig(host, value, networkKey, handshakeTimeout, maxConnections, maxConnectionsPerAddress, maxUnsentBytes);
    }

    public GossipConfig withNetworkKey(byte[] value) {
        return new GossipConfig(host, port, value, handshakeTimeout, maxConnections, maxConnectionsPerAddress, maxUnsentBytes);
    }

    public GossipConfig withHandshakeTimeout(Duration value) {
        return new GossipConfig(host, port, networkKey, value, maxConnections, maxConnectionsPerAddress, maxUnsentBytes);
    }

    /** Also lowers the per-address limit to {@code value} when it was higher. */
    public GossipConfig withMaxConnections(int value) {
        return new GossipConfig(host, port, networkKey, handshakeTimeout, value,
                Math.max(1, Math.min(maxConnectionsPerAddress, value)), maxUnsentBytes);
    }

    public GossipConfig withMaxConnectionsPerAddress(int value) {
        return new GossipConfig(host, port, networkKey, handshakeTimeout, maxConnections, value, maxUnsentBytes);
    }

    public GossipConfig withMaxUnsentBytes(int value) {
        return new GossipConfig(host, port, networkKey, handshakeTimeout, maxConnections, maxConnectionsPerAddress, value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GossipConfig c && c.host.equals(host) && c.port == port
                && Arrays.equals(c.networkKey, networkKey) && c.handshakeTimeout.equals(handshakeTimeout)
                && c.maxConnections == maxConnections && c.maxConnectionsPerAddress == maxConnectionsPerAddress
                && c.maxUnsentBytes == maxUnsentBytes;
    }

    @Override
    public int hashCode() {
        return ((host.hashCode() * 31 + port) * 31 + Arrays.hashCode(networkKey)) * 31 + maxConnections;
    }

    /** The network key is not secret, but it is long: shown as its first bytes. */
    @Override
    public String toString() {
        return "GossipConfig[host=" + host + ", port=" + port + ", networkKey="
                + java.util.HexFormat.of().formatHex(networkKey, 0, 4) + "…, handshakeTimeout=" + handshakeTimeout
                + ", maxConnections=" + maxConnections + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
                + ", maxUnsentBytes=" + maxUnsentBytes + "]";
    }
}
