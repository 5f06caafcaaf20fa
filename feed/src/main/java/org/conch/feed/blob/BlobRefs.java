package org.conch.feed.blob;

import org.conch.feed.BlobId;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The blobs a message's content refers to, as clients show them: an {@code about}'s {@code image} (a blob id,
 * or an object whose {@code link} is one) and the {@code link}s of {@code mentions} that are blob ids
 * (images in posts). A pure function of the content; private (string) contents refer to nothing.
 */
public final class BlobRefs {
    private BlobRefs() {
    }

    public static Set<BlobId> of(Object content) {
        Set<BlobId> refs = new LinkedHashSet<>();
        if (!(content instanceof Map<?, ?> map)) return refs;
        if ("about".equals(map.get("type"))) addLink(map.get("image"), refs);
        Object mentions = map.get("mentions");
        if (mentions instanceof List<?> list) {
            for (Object mention : list) addLink(mention, refs);
        } else if (mentions instanceof Map<?, ?> single) {
            addLink(single, refs);
        }
        return refs;
    }

    /** A blob id, or an object with a {@code link} that is one. */
    private static void addLink(Object value, Set<BlobId> refs) {
        Object link = value instanceof Map<?, ?> object ? object.get("link") : value;
        if (link instanceof String text) BlobId.tryParse(text).ifPresent(refs::add);
    }
}
