package org.conch.testing;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Deterministic workloads of realistic signed messages (~700 bytes of signed JSON: posts with text,
 * some non-ASCII, some replies and mentions) from many feeds interleaved round-robin, each feed in
 * sequence order, as benchmarks and crash tests need them.
 */
public final class SyntheticFeeds {
    private static final String[] WORDS = ("scuttlebutt pub feed gossip harbor conch shell island boat sail "
            + "kelp reef tide wave crab hermit dinghy rope buoy lighthouse offline peer replicate message "
            + "protocol hello world sea storm calm coral café naïve über straße 海 港 🐚 🌊 ⛵").split(" ");
    private static final double FIRST_TIMESTAMP = 1_700_000_000_000.0;

    private SyntheticFeeds() {
    }

    /** Sizes of a written workload: compact JSON lines (the file) and signed (pretty) JSON. */
    public record Written(long messages, long compactBytes, long prettyBytes) {
    }

    /**
     * Writes {@code messages} message values as compact JSON lines, round-robin over {@code feeds}
     * feeds whose keys derive from their index, atomically (temp file, then rename).
     */
    public static Written write(Path file, int messages, int feeds, LongConsumer progressEvery100k) throws IOException {
        return write(file, messages, feeds, 0, progressEvery100k);
    }

    /** Makes the content of a feed's next message from the feed's random and some recent messages it may reply to. */
    public interface Contents {
        Map<String, Object> next(SplittableRandom random, List<Message> recent);
    }

    /** As {@link #write(Path, int, int, LongConsumer)}, with the feeds of identities {@code firstAuthor} on. */
    public static Written write(Path file, int messages, int feeds, int firstAuthor, LongConsumer progressEvery100k)
            throws IOException {
        return write(file, messages, feeds, firstAuthor, SyntheticFeeds::post, progressEvery100k);
    }

    /** As {@link #write(Path, int, int, int, LongConsumer)}, with messages that {@code contents} makes. */
    public static Written write(Path file, int messages, int feeds, int firstAuthor, Contents contents, LongConsumer progressEvery100k)
            throws IOException {
        Identity[] authors = IntStream.range(firstAuthor, firstAuthor + feeds).mapToObj(i -> Identity.fromSeed(seed(i)))
                .toArray(Identity[]::new);
        FeedState[] states = new FeedState[feeds];
        SplittableRandom[] randoms = IntStream.range(firstAuthor, firstAuthor + feeds).mapToObj(SplittableRandom::new)
                .toArray(SplittableRandom[]::new);
        List<Message> recent = new ArrayList<>();
        long compact = 0;
        long pretty = 0;
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            int written = 0;
            while (written < messages) {
                // One round: the next message of every feed, signed in parallel (feeds are independent).
                int round = Math.min(feeds, messages - written);
                List<Message> roots = recent;
                double timestamp = FIRST_TIMESTAMP + written * 10.0;
                Message[] signed = new Message[round];
                IntStream.range(0, round).parallel().forEach(f ->
                        signed[f] = MessageSigner.sign(authors[f], states[f], contents.next(randoms[f], roots), timestamp + f, SignCap.NONE));
                recent = new ArrayList<>();
                for (int f = 0; f < round; f++) {
                    Message message = signed[f];
                    states[f] = FeedState.of(message);
                    String json = message.compactJson();
                    out.write(json);
                    out.write('\n');
                    compact += json.getBytes(StandardCharsets.UTF_8).length + 1;
                    pretty += message.prettyJson().getBytes(StandardCharsets.UTF_8).length;
                    if (f % 10 == 0) recent.add(message);
                }
                int before = written;
                written += round;
                if (written / 100_000 > before / 100_000) progressEvery100k.accept(written);
            }
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        return new Written(messages, compact, pretty);
    }

    /** A post of 300-420 characters, sometimes a reply to one of {@code recent}, sometimes with a mention. */
    public static Map<String, Object> post(SplittableRandom random, List<Message> recent) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        StringBuilder text = new StringBuilder();
        int length = 300 + random.nextInt(120);
        while (text.length() < length) {
            if (text.length() > 0) text.append(random.nextInt(12) == 0 ? ".\n\n" : " ");
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        content.put("text", text.toString());
        if (!recent.isEmpty() && random.nextInt(3) == 0) {
            Message root = recent.get(random.nextInt(recent.size()));
            content.put("root", root.key().toString());
            content.put("branch", root.key().toString());
        }
        if (random.nextInt(4) == 0) {
            Map<String, Object> mention = new LinkedHashMap<>();
            mention.put("link", "@" + Base64.getEncoder().encodeToString(seed(random.nextInt(1000))) + ".ed25519");
            mention.put("name", WORDS[random.nextInt(WORDS.length)]);
            content.put("mentions", List.of(mention));
        }
        return content;
    }

    /** The seed of synthetic identity {@code n}. */
    public static byte[] seed(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        seed[1] = (byte) (n >> 8);
        seed[2] = (byte) (n >> 16);
        seed[31] = 42;
        return seed;
    }
}
