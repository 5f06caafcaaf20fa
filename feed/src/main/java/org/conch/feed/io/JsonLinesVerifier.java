package org.conch.feed.io;

import org.conch.feed.FeedState;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;
import org.conch.feed.json.CanonicalJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Validates a file of JSON lines offline, as {@code conch verify FILE} does. Each line holds a signed
 * message value or a {@code {key,value,timestamp}} object; feeds may be mixed, each starting at
 * sequence 1 and in order. The verdicts are exactly those of validating line by line with
 * {@link MessageValidator#validate} while keeping each feed's state as ssb-validate does: an invalid
 * message is not appended, so its feed stays at its last valid message.
 *
 * <p>Line rules beyond the message itself:
 * <ul>
 *   <li>Blank lines (only spaces, tabs) carry nothing: they get no result and count neither way,
 *       but keep their number, so results always name the line of the file.</li>
 *   <li>A line that is not JSON, or longer than {@link JsonLineReader#MAX_LINE_CHARS}, is an invalid line.</li>
 *   <li>An object with a {@code value} and no {@code author} is a wrapper; its {@code key}, when present,
 *       must be the message's id, else the line is invalid (and its message not appended). Its
 *       {@code timestamp} is a receive time and is not checked.</li>
 * </ul>
 *
 * <p>The file is streamed; memory holds a few chunks of lines and one state per feed.
 */
public final class JsonLinesVerifier {
    public static final int DEFAULT_CHUNK_SIZE = 1024;

    /** The verdict on one line. */
    public record LineResult(long line, boolean valid, MessageId key, String error) {
        static LineResult valid(long line, MessageId key) {
            return new LineResult(line, true, key, null);
        }

        static LineResult invalid(long line, String error) {
            return new LineResult(line, false, null, error);
        }

        /** {@code {"line":N,"valid":true,"key":"%…"}} or {@code {"line":N,"valid":false,"error":"…"}}. */
        public String toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("line", (double) line);
            json.put("valid", valid);
            if (valid) json.put("key", key.toString());
            else json.put("error", error);
            return CanonicalJson.compact(json);
        }
    }

    /** Counts over a whole input; {@code blankLines} were skipped and are in neither of the others. */
    public record Summary(long valid, long invalid, long blankLines) {
        public boolean allValid() {
            return invalid == 0;
        }

        public long checked() {
            return valid + invalid;
        }
    }

    private final SignCap cap;
    private final int threads;
    private final int chunkSize;

    /** Uses every core and chunks of {@link #DEFAULT_CHUNK_SIZE} lines. */
    public JsonLinesVerifier(SignCap cap) {
        this(cap, Runtime.getRuntime().availableProcessors(), DEFAULT_CHUNK_SIZE);
    }

    public JsonLinesVerifier(SignCap cap, int threads, int chunkSize) {
        this.cap = cap;
        this.threads = threads;
        this.chunkSize = chunkSize;
    }

    /** Verifies a file, read as UTF-8 (malformed bytes become U+FFFD, as Node reads them). */
    public Summary verify(Path file, Consumer<LineResult> results) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return verify(reader, results);
        }
    }

    /** Verifies every line, handing the results to {@code results} in line order on the calling thread. */
    public Summary verify(Reader input, Consumer<LineResult> results) throws IOException {
        FeedChains chains = new FeedChains(cap);
        long[] counts = new long[2]; // valid, invalid
        long blankLines;
        try (ParallelLineDecoder decoder = new ParallelLineDecoder(cap, threads, chunkSize)) {
            blankLines = decoder.decode(input, chunk -> {
                for (DecodedLine line : chunk) {
                    LineResult result = chains.apply(line);
                    counts[result.valid() ? 0 : 1]++;
                    results.accept(result);
                }
            });
        }
        return new Summary(counts[0], counts[1], blankLines);
    }

    /** The latest valid message of each feed seen so far, keyed by the author as written (as ssb-validate keys it). */
    private static final class FeedChains {
        private final SignCap cap;
        private final Map<String, FeedState> states = new HashMap<>();

        FeedChains(SignCap cap) {
            this.cap = cap;
        }

        LineResult apply(DecodedLine line) {
            if (line instanceof DecodedLine.Unreadable unreadable) {
                return LineResult.invalid(unreadable.number(), unreadable.error());
            }
            if (line instanceof DecodedLine.Invalid invalid) {
                return LineResult.invalid(invalid.number(), errorInFeedOrder(invalid));
            }
            DecodedLine.Decoded decoded = (DecodedLine.Decoded) line;
            Message message = decoded.message();
            String author = (String) message.value().get("author");
            try {
                MessageValidator.checkChain(states.get(author), message);
            } catch (InvalidMessageException e) {
                return LineResult.invalid(decoded.number(), e.getMessage());
            }
            String keyMismatch = decoded.keyMismatch();
            if (keyMismatch != null) {
                return LineResult.invalid(decoded.number(), keyMismatch);
            }
            states.put(author, FeedState.of(message));
            return LineResult.valid(decoded.number(), message.key());
        }

        /**
         * ssb-validate checks sequence and previous before shape and signature, so a message that broke a
         * later rule reports a chain error first if it has one. Re-validating it whole against its feed's
         * state gives exactly the sequential verdict; only invalid messages pay for it.
         */
        private String errorInFeedOrder(DecodedLine.Invalid invalid) {
            InvalidMessageException error = invalid.error();
            boolean brokeRuleBeforeChain = error.reason().compareTo(InvalidMessageException.Reason.WRONG_SEQUENCE) < 0;
            if (brokeRuleBeforeChain) return error.getMessage();
            try {
                MessageValidator.validate(states.get(error.author()), invalid.value(), cap);
                return error.getMessage(); // unreachable: the state-free rules failed once already
            } catch (InvalidMessageException e) {
                return e.getMessage();
            }
        }
    }
}
