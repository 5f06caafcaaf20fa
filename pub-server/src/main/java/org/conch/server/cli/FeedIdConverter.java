package org.conch.server.cli;

import org.conch.feed.FeedException;
import org.conch.feed.FeedId;
import picocli.CommandLine;

/** Reads {@code @<base64>.ed25519} arguments; a malformed one is a usage error that says why. */
final class FeedIdConverter implements CommandLine.ITypeConverter<FeedId> {
    @Override
    public FeedId convert(String value) {
        try {
            return FeedId.parse(value);
        } catch (FeedException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
