package org.conch.server.http;

import java.util.Optional;

/** Pure helpers for serving blobs over HTTP: the content type from magic bytes, and one byte range. */
public final class BlobContent {
    /** How many leading bytes {@link #sniff} needs. */
    public static final int SNIFF_BYTES = 12;
    public static final String OCTET_STREAM = "application/octet-stream";

    private BlobContent() {
    }

    /** png, jpeg, gif or webp by their magic bytes; anything else is {@value #OCTET_STREAM} (never text or HTML). */
    public static String sniff(byte[] head) {
        if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return "image/png";
        if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) return "image/jpeg";
        if (startsWith(head, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(head, 0, 'G', 'I', 'F', '8', '9', 'a')) return "image/gif";
        if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) return "image/webp";
        return OCTET_STREAM;
    }

    private static boolean startsWith(byte[] bytes, int offset, int... magic) {
        if (bytes.length < offset + magic.length) return false;
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[offset + i] & 0xFF) != magic[i]) return false;
        }
        return true;
    }

    /** Bytes {@code [start, start + length)} of a blob. */
    public record Range(long start, long length) {
        public long end() {
            return start + length - 1;
        }
    }

    /** The answer to a Range header: the whole blob, one range, or unsatisfiable (416). */
    public record RangeRequest(Optional<Range> range, boolean satisfiable) {
        static final RangeRequest WHOLE = new RangeRequest(Optional.empty(), true);
        static final RangeRequest UNSATISFIABLE = new RangeRequest(Optional.empty(), false);
    }

    /**
     * Reads {@code Range: bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} against a blob of {@code size}
     * bytes. Headers it does not understand, and several ranges, get the whole blob (RFC 9110 lets a server
     * ignore Range); a range that starts at or after the end is unsatisfiable.
     */
    public static RangeRequest range(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.contains(",")) return RangeRequest.WHOLE;
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) return RangeRequest.WHOLE;
        try {
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) return RangeRequest.UNSATISFIABLE;
                long length = Math.min(suffix, size);
                return new RangeRequest(Optional.of(new Range(size - length, length)), true);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start < 0 || (!last.isEmpty() && Long.parseLong(last) < start)) return RangeRequest.WHOLE;
            if (start >= size) return RangeRequest.UNSATISFIABLE;
            return new RangeRequest(Optional.of(new Range(start, end - start + 1)), true);
        } catch (NumberFormatException e) {
            return RangeRequest.WHOLE;
        }
    }
}
