package org.conch.bench;

import org.conch.feed.Identity;
import org.conch.gossip.boxstream.BoxStreamDecoder;
import org.conch.gossip.boxstream.BoxStreamEncoder;
import org.conch.gossip.shs.ClientHandshake;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.gossip.shs.ServerHandshake;

import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Prints box-stream throughput (one core) and the server side's secret handshakes per second:
 * {@code scripts/bench crypto [seconds]}.
 */
public final class CryptoBench {
    private static final int WRITE_SIZE = 4096;
    private static final int READ_SIZE = 64 * 1024;
    private static final int STREAM_BYTES = 32 * 1024 * 1024;

    private CryptoBench() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        new Random(1).nextBytes(key);
        byte[] data = new byte[WRITE_SIZE];
        new Random(2).nextBytes(data);

        measureBoxStream(key, nonce, data, 1); // warm-up
        double[] boxStream = measureBoxStream(key, nonce, data, seconds);
        System.out.printf("box-stream encode: %.0f MB/s%n", boxStream[0]);
        System.out.printf("box-stream decode: %.0f MB/s%n", boxStream[1]);

        measureHandshakes(1); // warm-up
        double[] handshakes = measureHandshakes(seconds);
        System.out.printf("secret handshake, server side: %.0f handshakes/s (%.3f ms CPU each)%n",
                handshakes[0], 1000 / handshakes[0]);
        System.out.printf("secret handshake, client and server in one thread: %.0f handshakes/s%n", handshakes[1]);
    }

    /** MB/s of encoding 4 KiB writes and of decoding the result fed in 64 KiB reads. */
    private static double[] measureBoxStream(byte[] key, byte[] nonce, byte[] data, double seconds) {
        long encodeNanos = 0;
        long decodeNanos = 0;
        long bytes = 0;
        long deadline = System.nanoTime() + (long) (seconds * 2e9);
        byte[] wire = new byte[STREAM_BYTES / WRITE_SIZE * (WRITE_SIZE + 34)];
        long sink = 0;
        while (System.nanoTime() < deadline) {
            BoxStreamEncoder encoder = new BoxStreamEncoder(key, nonce);
            long start = System.nanoTime();
            int at = 0;
            for (int i = 0; i < STREAM_BYTES / WRITE_SIZE; i++) {
                byte[] frame = encoder.encode(data);
                System.arraycopy(frame, 0, wire, at, frame.length);
                at += frame.length;
            }
            long encoded = System.nanoTime();
            BoxStreamDecoder decoder = new BoxStreamDecoder(key, nonce);
            for (int off = 0; off < at; off += READ_SIZE) {
                ByteBuffer read = ByteBuffer.wrap(wire, off, Math.min(READ_SIZE, at - off));
                for (byte[] chunk : decoder.feed(read)) {
                    sink += chunk[0];
                }
            }
            long decoded = System.nanoTime();
            encodeNanos += encoded - start;
            decodeNanos += decoded - encoded;
            bytes += STREAM_BYTES;
        }
        if (sink == 42) System.out.print(""); // keep the decoded bytes alive
        return new double[]{bytes / 1e6 / (encodeNanos / 1e9), bytes / 1e6 / (decodeNanos / 1e9)};
    }

    /** Server-side handshakes per second of server CPU time, and whole handshakes per second. */
    private static double[] measureHandshakes(double seconds) {
        byte[] network = SecretHandshake.mainNetworkKey();
        Identity server = Identity.generate();
        Identity client = Identity.generate();
        long serverNanos = 0;
        int count = 0;
        long begin = System.nanoTime();
        long deadline = begin + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            ClientHandshake c = new ClientHandshake(network, client, server.publicKey());
            byte[] msg1 = c.hello();
            long t0 = System.nanoTime();
            ServerHandshake s = new ServerHandshake(network, server, key -> true);
            byte[] msg2 = s.acceptHello(msg1);
            long t1 = System.nanoTime();
            byte[] msg3 = c.authenticate(msg2);
            long t2 = System.nanoTime();
            byte[] msg4 = s.verifyAuthentication(msg3);
            long t3 = System.nanoTime();
            c.verifyAccept(msg4);
            serverNanos += (t1 - t0) + (t3 - t2);
            count++;
        }
        double total = (System.nanoTime() - begin) / 1e9;
        return new double[]{count / (serverNanos / 1e9), count / total};
    }
}
