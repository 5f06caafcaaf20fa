/**
 * MUXRPC without I/O: the packet-stream wire format ({@link org.conch.gossip.muxrpc.Packet},
 * {@link org.conch.gossip.muxrpc.PacketCodec}, the incremental {@link org.conch.gossip.muxrpc.PacketDecoder})
 * and the per-connection RPC layer ({@link org.conch.gossip.muxrpc.RpcSession},
 * {@link org.conch.gossip.muxrpc.Substream}, {@link org.conch.gossip.muxrpc.MethodRegistry}).
 * Bytes and packets in, packets and bytes out; the network adapter in {@code net} wires them to a socket.
 */
package org.conch.gossip.muxrpc;
