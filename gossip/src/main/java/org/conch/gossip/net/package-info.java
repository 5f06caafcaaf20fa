/**
 * The network adapter, and the only package of conch that touches Vert.x sockets: a
 * {@link org.conch.gossip.net.GossipNode} listens and dials, each TCP connection is a
 * {@link org.conch.gossip.net.PeerConnection} that composes the protocol cores (secret handshake,
 * box-stream, muxrpc) and holds that connection's state. Replication and other services install their
 * methods through {@link org.conch.gossip.net.GossipNode#methods} and act on each connection through
 * {@link org.conch.gossip.net.GossipNode#onConnection}; they never see a socket.
 */
package org.conch.gossip.net;
