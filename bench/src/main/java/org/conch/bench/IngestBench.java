package org.conch.bench;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.store.AppendResult;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.boxstream.BoxStreamDecoder;
import org.conch.gossip.boxstream.BoxStreamEncoder;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.muxrpc.PacketCodec;
import org.conch.gossip.muxrpc.PacketDecoder;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.Substream;
import org.conch.gossip.replication.ReplicationConfig;
import org.conch.gossip.replication.VectorClock;
import org.conch.gossip.shs.ClientHandshake;
import org.conch.gossip.shs.HandshakeResult;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.testing.RealPeer;
import org.conch.testing.SyntheticFeeds;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code scripts/bench ingest}: where a receiving conch's CPU goes, per message, with no live sender.
 *
 * <p>Once per workload it records an EBT stream from a real Manyverse-stack peer: the bench dials it
 * with the secret handshake, asks {@code ebt.replicate} for the workload's feeds and writes every
 * box-stream byte the peer sends, with the box-stream key and nonce, to {@code WORK/ingest-N-F.rec}.
 * Then it replays that file into conch's receive path in-process, stage by stage (each stage's CPU
 * measured on the threads that ran it), then once more with the stages overlapped as a connection
 * runs them (the process's CPU), and prints CPU-us per message beside one Bouncy Castle signature
 * check measured on the same messages in the same run.
 *
 * <p>Not replayed: the muxrpc request table and EBT clock bookkeeping (a few map operations a
 * message); the bench takes the EBT stream's message packets as the connection hands them on.
 */
public final class IngestBench {
    private static final byte[] MAGIC = "conch-ebt-recording-1\n".getBytes(StandardCharsets.US_ASCII);
    /** The size of one socket read replayed into the decoder, as Netty hands them on. */
    private static final int READ_SIZE = 64 * 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The names of the threads the store starts for itself (its index writers) begin with this. */
    private static final String STORE_THREADS = "conch-";
    private static final int OVERLAPPED_RUNS = 3;

    private final Path work;
    private final Path interop;
    private final int messages;
    private final int feeds;
    private final int threads;

    private IngestBench(Path work, Path interop, int messages, int feeds, int threads) {
        this.work = work;
        this.interop = interop;
        this.messages = messages;
        this.feeds = feeds;
        this.threads = threads;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of("target/bench");
        Path interop = Path.of("scripts/interop");
        int messages = 50_000;
        int feeds = 20;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean rerecord = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--work" -> work = Path.of(args[++i]);
                case "--interop" -> interop = Path.of(args[++i]);
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--feeds" -> feeds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--record" -> rerecord = true;
                default -> {
                    System.err.println("usage: scripts/bench ingest [--messages N] [--feeds F] [--threads T] [--record]");
                    System.exit(2);
                }
            }
        }
        if (messages < feeds || feeds < 1) {
            System.err.println("bench ingest: --messages must be at least --feeds, and --feeds at least 1");
            System.exit(2);
        }
        Files.createDirectories(work);
        new IngestBench(work, interop, messages, feeds, threads).run(rerecord);
    }

    private void run(boolean rerecord) throws Exception {
        Path recordingFile = work.resolve("ingest-" + messages + "-" + feeds + ".rec");
        if (rerecord || !Files.isRegularFile(recordingFile)) {
            record(recordingFile);
        }
        Recording recording = Recording.read(recordingFile);
        System.out.printf(Locale.ROOT, "ingest: %,d messages of %d feeds, %,d box-stream bytes recorded from a Manyverse-stack peer "
                + "(%s); %d validation threads; JDK %s%n", messages, feeds, recording.bytes().length, recordingFile,
                threads, Runtime.version());

        // A first pass warms the JIT for every stage; only the second is printed.
        stages(recording, false);
        Stages measured = stages(recording, true);
        // Whole-path runs until the JIT has settled (a long-running receiver's steady state); the last is printed.
        for (int i = 1; i < OVERLAPPED_RUNS; i++) overlapped(recording);
        // This machine's speed drifts (other guests share its host): the check it is compared with is measured
        // right before and right after the printed run, and the ratio taken to their mean.
        double verifyBefore = measured.signatures().verifyAll();
        Overlapped last = overlapped(recording);
        double verifyAfter = measured.signatures().verifyAll();
        double verifyAtOnce = verifyMicrosAtOnce(measured.signatures(), threads);
        last.print(verifyBefore, verifyAfter, verifyAtOnce, threads);
    }

    // ------------------------------------------------------------------------------------------ recording

    /** Loads the workload into a real Manyverse-stack peer and records the EBT stream it sends us. */
    private void record(Path recordingFile) throws Exception {
        Path workload = work.resolve("ingest-" + messages + "-" + feeds + ".jsonl");
        if (!Files.isRegularFile(workload)) {
            System.out.printf(Locale.ROOT, "writing the workload %s%n", workload);
            SyntheticFeeds.write(workload, messages, feeds, done -> System.out.printf(Locale.ROOT, "  %,d%n", done));
        }
        Path temp = Files.createTempDirectory(work, "ingest-record-");
        try (RealPeer sender = RealPeer.start(RealPeer.Stack.MANYVERSE, temp.resolve("sender"), interop)) {
            List<String> authors = new ArrayList<>();
            for (int i = 0; i < feeds; i++) authors.add(Identity.fromSeed(SyntheticFeeds.seed(i)).id().toString());
            for (String author : authors) sender.call("replicate", Map.of("feed", author));
            long t = System.nanoTime();
            ReplicationBench.addAll(sender, workload, 600_000);
            System.out.printf(Locale.ROOT, "loaded the sender by `add` in %.1f s (not counted)%n", (System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            long bytes = recordEbtStream(MultiserverAddress.parse(sender.address()), authors, recordingFile);
            System.out.printf(Locale.ROOT, "recorded %,d bytes of EBT stream in %.1f s%n", bytes, (System.nanoTime() - t) / 1e9);
        } finally {
            FeedBench.deleteTree(temp);
        }
    }

    /**
     * Dials {@code sender} as a fresh identity, asks for every feed from its start over EBT and writes what
     * it sends until {@link #messages} messages came; returns the bytes recorded.
     */
    private long recordEbtStream(MultiserverAddress sender, List<String> authors, Path recordingFile) throws IOException {
        Identity receiver = Identity.generate();
        Path partial = recordingFile.resolveSibling(recordingFile.getFileName() + ".partial");
        try (Socket socket = new Socket(sender.host(), sender.port());
             OutputStream file = Files.newOutputStream(partial)) {
            socket.setSoTimeout(120_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ClientHandshake handshake = new ClientHandshake(SecretHandshake.mainNetworkKey(), receiver, sender.key().bytes());
            out.write(handshake.hello());
            byte[] serverHello = new DataInputStream(in).readNBytes(SecretHandshake.SERVER_HELLO_SIZE);
            out.write(handshake.authenticate(serverHello));
            HandshakeResult keys = handshake.verifyAccept(new DataInputStream(in).readNBytes(SecretHandshake.SERVER_ACCEPT_SIZE));
            file.write(MAGIC);
            file.write(keys.decryptKey());
            file.write(keys.decryptNonce());

            BoxStreamEncoder encoder = new BoxStreamEncoder(keys.encryptKey(), keys.encryptNonce());
            BoxStreamDecoder decoder = new BoxStreamDecoder(keys.decryptKey(), keys.decryptNonce());
            PacketDecoder packets = new PacketDecoder();
            // Everything runs on this thread: the socket writes, the session, the reads.
            RpcSession session = new RpcSession(new MethodRegistry(), Caller.anonymous(sender.key().toString()), packet -> {
                try {
                    out.write(encoder.encode(PacketCodec.encode(packet)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            AtomicInteger received = new AtomicInteger();
            Substream ebt = session.duplex("ebt.replicate", List.of(Map.of("version", 3, "format", "classic")),
                    (stream, item) -> {
                        if (isMessage(item)) received.incrementAndGet();
                    });
            Map<String, Object> clock = new LinkedHashMap<>();
            for (String author : authors) clock.put(author, (double) VectorClock.encode(0, true));
            ebt.write(clock);
            out.flush();
            long recorded = 0;
            byte[] buffer = new byte[READ_SIZE];
            while (received.get() < messages) {
                int n = in.read(buffer);
                if (n < 0) throw new IOException("the sender closed the connection after " + received.get() + " messages");
                file.write(buffer, 0, n);
                recorded += n;
                decoder.feed(ByteBuffer.wrap(buffer, 0, n), frame -> packets.feed(frame, 0, frame.length, session::receive));
                out.flush();
            }
            file.close();
            Files.move(partial, recordingFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return recorded;
        }
    }

    /** ssb-ebt's test for a message on the stream (formats/classic.js): anything else is a clock. */
    private static boolean isMessage(Object item) {
        return item instanceof Map<?, ?> map && map.get("sequence") instanceof Double && map.get("author") instanceof String
                && map.containsKey("content");
    }

    /** A recorded stream: the receiving direction's box-stream key and nonce, and the bytes. */
    private record Recording(byte[] key, byte[] nonce, byte[] bytes) {
        static Recording read(Path file) throws IOException {
            byte[] all = Files.readAllBytes(file);
            if (all.length < MAGIC.length + 56 || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new IOException(file + " is not an ingest recording; delete it or pass --record");
            }
            int at = MAGIC.length;
            return new Recording(Arrays.copyOfRange(all, at, at + 32), Arrays.copyOfRange(all, at + 32, at + 56),
                    Arrays.copyOfRange(all, at + 56, all.length));
        }
    }

    // ----------------------------------------------------------------------------------------- the stages

    /** CPU-us per message of each stage run alone, and one signature check's. */
    private record Stages(double frame, double parse, double validate, double verifyMicros, double append, double indexes,
                          SignatureSample signatures) {
    }

    private Stages stages(Recording recording, boolean print) throws Exception {
        long t = cpu();
        List<Packet> packets = decryptAndFrame(recording);
        double frame = perMessage(cpu() - t);

        t = cpu();
        List<Object> values = new ArrayList<>(messages);
        for (Packet packet : packets) {
            Object value = packet.value();
            if (isMessage(value)) values.add(value);
        }
        double parse = perMessage(cpu() - t);
        if (values.size() < messages) {
            throw new IllegalStateException("the recording holds " + values.size() + " messages, not " + messages + "; pass --record");
        }

        List<Message> validated = new ArrayList<>(values.size());
        double validate;
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("ingest-validate"));
        try {
            List<Future<Message>> results = new ArrayList<>(values.size());
            Map<Long, Long> before = threadCpu("ingest-validate");
            for (Object value : values) results.add(pool.submit(() -> MessageValidator.validateDetached(value, SignCap.NONE)));
            for (Future<Message> result : results) validated.add(result.get());
            validate = perMessage(sumSince(before, "ingest-validate"));
        } finally {
            pool.shutdown();
        }
        SignatureSample signatures = SignatureSample.of(validated);
        double verify = signatures.verifyAll();

        Path store = Files.createTempDirectory(work, "ingest-store-");
        double append;
        double indexes;
        try {
            // The process's CPU, not this thread's: H2 writes its pages out and the JVM collects the
            // garbage on threads of their own, and the append path pays for both.
            Map<Long, Long> storeThreads = threadCpu(STORE_THREADS);
            long before = processCpu();
            H2FeedStore feedStore = H2FeedStore.open(store);
            for (int from = 0; from < validated.size(); from += ReplicationConfig.APPEND_BATCH_SIZE) {
                AppendResult result = feedStore.append(validated.subList(from, Math.min(validated.size(), from + ReplicationConfig.APPEND_BATCH_SIZE)));
                if (result.outcomes().stream().anyMatch(o -> o.status() != AppendResult.Status.STORED)) {
                    throw new IllegalStateException("the store did not take every message: " + result.outcomes().get(0));
                }
            }
            long appending = processCpu() - before;
            long indexedMeanwhile = sumSince(storeThreads, STORE_THREADS);
            // The indexes: the store's own threads while appending, and what closing still had to do.
            long beforeClose = processCpu();
            feedStore.close();
            long closing = processCpu() - beforeClose;
            append = perMessage(appending - indexedMeanwhile);
            indexes = perMessage(indexedMeanwhile + closing);
        } finally {
            FeedBench.deleteTree(store);
        }
        Stages stages = new Stages(frame, parse, validate, verify, append, indexes, signatures);
        if (print) {
            double total = frame + parse + validate + append + indexes;
            System.out.println("stages run one after another (CPU-us per message; the threads that ran each):");
            line("decrypt and frame (box-stream, muxrpc)", frame, verify);
            line("parse (JSON tree of each message)", parse, verify);
            line("validate (canonical JSON, hash, verify; " + threads + " threads)", validate, verify);
            line("  of which one signature check (1 thread)", verify, verify);
            line("  of which canonical JSON, hash, rules", validate - verify, verify);
            line("append (batches of " + ReplicationConfig.APPEND_BATCH_SIZE + "; the process: H2, GC, JIT too)", append, verify);
            line("indexes (store threads, and closing)", indexes, verify);
            line("all stages", total, verify);
        }
        return stages;
    }

    private List<Packet> decryptAndFrame(Recording recording) {
        BoxStreamDecoder decoder = new BoxStreamDecoder(recording.key(), recording.nonce());
        PacketDecoder decoderOfPackets = new PacketDecoder();
        List<Packet> packets = new ArrayList<>(messages + 64);
        byte[] bytes = recording.bytes();
        for (int at = 0; at < bytes.length; at += READ_SIZE) {
            decoder.feed(ByteBuffer.wrap(bytes, at, Math.min(READ_SIZE, bytes.length - at)),
                    frame -> decoderOfPackets.feed(frame, 0, frame.length, packets::add));
        }
        return packets;
    }

    /** The signatures of a sample of these messages, ready for {@link org.conch.feed.Ed25519#verify}. */
    private record SignatureSample(byte[][] keys, byte[][] signatures, byte[][] signed) {
        static SignatureSample of(List<Message> validated) {
            int sample = Math.min(validated.size(), 5_000);
            byte[][] keys = new byte[sample][];
            byte[][] signatures = new byte[sample][];
            byte[][] signed = new byte[sample][];
            for (int i = 0; i < sample; i++) {
                Message message = validated.get(i);
                Map<String, Object> value = new LinkedHashMap<>(message.value());
                String signature = (String) value.remove("signature");
                keys[i] = message.author().bytes();
                signatures[i] = Base64.getDecoder().decode(signature.substring(0, signature.indexOf('.')));
                signed[i] = org.conch.feed.json.CanonicalJson.pretty(value).getBytes(StandardCharsets.UTF_8);
            }
            return new SignatureSample(keys, signatures, signed);
        }

        /** Checks every signature on this thread; its CPU-us per check. */
        double verifyAll() {
            long t = cpu();
            int good = 0;
            for (int i = 0; i < keys.length; i++) {
                if (org.conch.feed.Ed25519.verify(keys[i], signatures[i], signed[i])) good++;
            }
            long spent = cpu() - t;
            if (good != keys.length) throw new IllegalStateException((keys.length - good) + " signatures did not verify");
            return spent / 1e3 / keys.length;
        }
    }

    /**
     * One check's CPU-us while {@code threads} threads check at once, as the validation pool runs: on a
     * virtual machine whose cores share a physical core or cache, a check costs more CPU when the others
     * are busy, and the receiver always runs its pool full.
     */
    private static double verifyMicrosAtOnce(SignatureSample sample, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("ingest-verify"));
        try {
            List<Future<Double>> each = new ArrayList<>();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < threads; i++) each.add(pool.submit(() -> {
                start.await();
                return sample.verifyAll();
            }));
            start.countDown();
            double sum = 0;
            for (Future<Double> one : each) sum += one.get();
            return sum / threads;
        } finally {
            pool.shutdown();
        }
    }

    // ------------------------------------------------------------------------------------ overlapped run

    /** The whole path at once, as a connection runs it: what the process spent, and how fast. */
    private record Overlapped(long processCpuNanos, long wallNanos, int messages, long allocatedBytes, Map<String, Long> byThreads) {
        void print(double verifyBefore, double verifyAfter, double verifyAtOnce, int threads) {
            double verifyMicros = (verifyBefore + verifyAfter) / 2;
            double perMessage = processCpuNanos / 1e3 / messages;
            System.out.println("the same stream through the whole path at once (decrypt and parse on one thread, "
                    + "validation on the pool, appends on a store thread):");
            System.out.printf(Locale.ROOT, "  one signature check, 1 thread, just before and just after this run: %.1f and %.1f us "
                    + "(%.1f us while %d threads check at once)%n", verifyBefore, verifyAfter, verifyAtOnce, threads);
            System.out.printf(Locale.ROOT, "  %,.0f messages/s; process CPU %.0f us a message = %.2fx one signature check "
                    + "(%.2fx one checked while %d threads check)%n",
                    messages / (wallNanos / 1e9), perMessage, perMessage / verifyMicros, perMessage / verifyAtOnce, threads);
            System.out.printf(Locale.ROOT, "  %,d bytes allocated a message (the garbage collector's work; steadier than CPU figures)%n",
                    allocatedBytes / messages);
            if (byThreads.isEmpty()) return;
            System.out.println("  of which, by thread (Linux's per-thread CPU; at 10 ms a tick, so small groups are rough):");
            byThreads.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(group -> line("  " + group.getKey(), group.getValue() / 1e3 / messages, verifyMicros));
        }
    }

    private Overlapped overlapped(Recording recording) throws Exception {
        Path store = Files.createTempDirectory(work, "ingest-store-");
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("ingest-validate"));
        ExecutorService writer = Executors.newSingleThreadExecutor(named("ingest-append"));
        long cpuBefore = processCpu();
        Map<String, Long> threadsBefore = NativeThreadCpu.snapshot();
        long allocatedBefore = allocatedBytes();
        Map<String, Long> threadsAfter;
        long allocated;
        long closing;
        long t0 = System.nanoTime();
        H2FeedStore feedStore = H2FeedStore.open(store);
        try {
            // Only what is in flight is held, as in a connection: a message is dropped once appended.
            ArrayDeque<Future<Message>> validating = new ArrayDeque<>();
            AtomicInteger stored = new AtomicInteger();
            BoxStreamDecoder decoder = new BoxStreamDecoder(recording.key(), recording.nonce());
            PacketDecoder packets = new PacketDecoder();
            byte[] bytes = recording.bytes();
            for (int at = 0; at < bytes.length; at += READ_SIZE) {
                decoder.feed(ByteBuffer.wrap(bytes, at, Math.min(READ_SIZE, bytes.length - at)),
                        frame -> packets.feed(frame, 0, frame.length, packet -> {
                            Object value = packet.value();
                            if (isMessage(value)) {
                                validating.add(pool.submit(() -> MessageValidator.validateDetached(value, SignCap.NONE)));
                            }
                        }));
                // Hands on each run of validated messages, in order, as the ingest pipeline does.
                handOn(validating, feedStore, writer, stored, false);
            }
            handOn(validating, feedStore, writer, stored, true);
            // The writer runs one task at a time: when this one runs, every append is done. Its threads are
            // counted while they live (Linux forgets a thread's CPU when it ends).
            writer.submit(() -> { }).get(10, java.util.concurrent.TimeUnit.MINUTES);
            if (stored.get() != messages) {
                throw new IllegalStateException("the store took " + stored.get() + " of " + messages + " messages");
            }
            threadsAfter = NativeThreadCpu.snapshot();
            allocated = allocatedBytes() - allocatedBefore;
        } finally {
            pool.shutdown();
            writer.shutdownNow();
            long beforeClose = processCpu();
            feedStore.close();
            closing = processCpu() - beforeClose;
        }
        long wall = System.nanoTime() - t0;
        long spent = processCpu() - cpuBefore;
        Map<String, Long> byThreads = NativeThreadCpu.since(threadsBefore, threadsAfter);
        long counted = byThreads.values().stream().mapToLong(Long::longValue).sum();
        if (!byThreads.isEmpty() && spent > counted) {
            byThreads.put("(closing the store: the last index batch, H2's shutdown)", Math.min(closing, spent - counted));
            if (spent - counted > closing) byThreads.put("(threads that ended before the count)", spent - counted - closing);
        }
        FeedBench.deleteTree(store);
        return new Overlapped(spent, wall, messages, allocated, byThreads);
    }

    /** Queues appends of the validated messages at the head of {@code validating}; all of them when {@code all}. */
    private static void handOn(ArrayDeque<Future<Message>> validating, H2FeedStore store, ExecutorService writer,
                               AtomicInteger stored, boolean all) throws Exception {
        while (!validating.isEmpty()) {
            int size = Math.min(validating.size(), ReplicationConfig.APPEND_BATCH_SIZE);
            if (!all && (size < ReplicationConfig.APPEND_BATCH_SIZE || !firstDone(validating, size))) break;
            List<Message> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) batch.add(validating.poll().get());
            writer.execute(() -> {
                AppendResult result = store.append(batch);
                stored.addAndGet((int) result.outcomes().stream().filter(o -> o.status() == AppendResult.Status.STORED).count());
            });
        }
    }

    private static boolean firstDone(ArrayDeque<Future<Message>> validating, int count) {
        java.util.Iterator<Future<Message>> head = validating.iterator();
        for (int i = 0; i < count; i++) if (!head.next().isDone()) return false;
        return true;
    }

    // --------------------------------------------------------------------------------------------- helpers

    private double perMessage(long nanos) {
        return nanos / 1e3 / messages;
    }

    private static void line(String stage, double micros, double verifyMicros) {
        System.out.printf(Locale.ROOT, "  %-62s %8.1f us  %6.2fx a signature check%n", stage, micros, micros / verifyMicros);
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /**
     * Bytes allocated so far by the live threads. The validation pool's and the store's threads live through
     * the whole run, so only what threads that ended meanwhile allocated is missed.
     */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) THREADS;
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) if (bytes > 0) sum += bytes;
        return sum;
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU so far of the live threads whose names start with {@code prefix}, by thread id. */
    private static Map<Long, Long> threadCpu(String prefix) {
        Map<Long, Long> cpu = new HashMap<>();
        for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null || !info.getThreadName().startsWith(prefix)) continue;
            long time = THREADS.getThreadCpuTime(info.getThreadId());
            if (time >= 0) cpu.put(info.getThreadId(), time);
        }
        return cpu;
    }

    /**
     * CPU spent since {@code before} by threads whose names start with {@code prefix}, including threads
     * started since (which count from zero). A thread that ended meanwhile is lost: the stages keep theirs.
     */
    private static long sumSince(Map<Long, Long> before, String prefix) {
        long sum = 0;
        for (Map.Entry<Long, Long> now : threadCpu(prefix).entrySet()) {
            sum += now.getValue() - before.getOrDefault(now.getKey(), 0L);
        }
        return sum;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
