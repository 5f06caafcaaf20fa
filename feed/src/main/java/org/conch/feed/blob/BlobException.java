package org.conch.feed.blob;

import org.conch.feed.FeedException;

/** A blob the store refuses (too large, over the quota, not the bytes its id names) or cannot read or write. */
public class BlobException extends FeedException {
    /** Why the store refused or failed. */
    public enum Reason { TOO_LARGE, OVER_QUOTA, HASH_MISMATCH, NOT_FOUND, IO }

    private final Reason reason;

    public BlobException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BlobException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
