package org.conch.gossip.replication;

import org.conch.feed.FeedId;

/** Per connection and feed: what the status shows. Connection thread only. */
final class FeedProgress {
    final FeedId feed;
    /** The latest sequence the peer claims; -1 when unknown or not replicated by the peer. */
    long remoteSeq = -1;
    /** When a message of this feed from this peer was last stored (ms), 0 = never. */
    long lastProgress;
    long received;
    long sent;
    boolean receiving;
    boolean sending;
    /** Why the feed was stopped with this peer, or null. */
    String stopped;

    FeedProgress(FeedId feed) {
        this.feed = feed;
    }

    void remote(long sequence) {
        if (sequence > remoteSeq) {
            remoteSeq = sequence;
        }
    }

    ReplicationStatus.Feed snapshot(long localSeq) {
        String state = stopped != null ? "stopped: " + stopped
                : receiving && remoteSeq > localSeq ? "receiving"
                : sending && remoteSeq >= 0 && remoteSeq < localSeq ? "sending"
                : "idle";
        return new ReplicationStatus.Feed(feed.toString(), localSeq, remoteSeq, lastProgress, received, sent, state);
    }
}
