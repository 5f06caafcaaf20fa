package org.conch.feed.ref;

import org.conch.feed.json.JsNumbers;
import java.util.Optional;

/**
 * The object ssb-ref returns for an address: {@code {host, port, key, seed?}}, with ssb-ref's loose values.
 * {@code port} is a JS number and may be NaN or outside 0..65535 (parseAddress does not validate); {@code seed} is
 * null when absent. For an address to dial, use {@link MultiserverAddress}, which is validated.
 */
public record Address(String host, double port, String key, String seed) {
    public Address(String host, double port, String key) {
        this(host, port, key, null);
    }

    /** The port when it is an integer in 0..65535. */
    public Optional<Integer> validPort() {
        return JsNumbers.isInteger(port) && port >= 0 && port <= 65535 ? Optional.of((int) port) : Optional.empty();
    }
}
