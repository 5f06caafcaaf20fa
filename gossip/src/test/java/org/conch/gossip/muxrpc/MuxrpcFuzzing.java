package org.conch.gossip.muxrpc;

import org.conch.feed.testing.FuzzSeeds;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seeds for the muxrpc fuzzers: the packets of the protocol guide's examples ({@code protocol-guide-examples})
 * when the vectors are there, and a few requests and replies written here.
 */
final class MuxrpcFuzzing {
    private MuxrpcFuzzing() {
    }

    /** Requests of each call type, replies, stream items and ends, binary and string bodies. */
    @SuppressWarnings("unchecked")
    static List<Packet> seedPackets() {
        List<Packet> packets = new ArrayList<>();
        FuzzSeeds.vectorJson("protocol-guide-examples", "examples.json").ifPresent(file -> {
            for (Map<String, Object> vector : (List<Map<String, Object>>) ((Map<?, ?>) file).get("muxrpc_packets")) {
                if (!PacketCodecTest.isGoodbye(vector)) packets.add(PacketCodecTest.packetOf(vector));
            }
        });
        packets.add(Packet.json(false, false, 1, request(List.of("whoami"), List.of(), null)));
        packets.add(Packet.json(true, false, 2, request(List.of("createHistoryStream"),
                List.of(Map.of("id", "@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=.ed25519", "seq", 1.0)), "source")));
        packets.add(Packet.json(true, false, 3, request(List.of("ebt", "replicate"), List.of(Map.of("version", 3.0)),
                "duplex")));
        packets.add(Packet.json(true, false, 3, Map.of("@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=.ed25519", 2.0)));
        packets.add(Packet.json(true, true, 3, true));
        packets.add(Packet.of(false, false, -1, "a string reply"));
        packets.add(Packet.of(true, false, -2, new byte[] {0, 1, 2, (byte) 0xff}));
        return packets;
    }

    static Map<String, Object> request(List<String> name, List<Object> args, String type) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("args", args);
        if (type != null) body.put("type", type);
        return body;
    }
}
