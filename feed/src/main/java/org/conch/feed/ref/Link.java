package org.conch.feed.ref;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ssb-ref's parseLink result: the sigil link and, when the text had {@code ?…}, its query. {@code query} is null
 * when there was no '?' (JS leaves the property out) and may be empty when the query had no pairs. Each key maps to
 * its values in order: Node gives a string for one value and an array for several.
 */
public record Link(String link, Map<String, List<String>> query) {
    public Link {
        if (query != null) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            query.forEach((key, values) -> copy.put(key, List.copyOf(values)));
            query = Collections.unmodifiableMap(copy); // keeps the JS property order
        }
    }

    public boolean hasQuery() {
        return query != null;
    }

    /** The value of {@code name} when the query gives it exactly once, as a string-valued {@code query[name]}. */
    public Optional<String> queryValue(String name) {
        if (query == null) return Optional.empty();
        List<String> values = query.get(name);
        return values != null && values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    }
}
