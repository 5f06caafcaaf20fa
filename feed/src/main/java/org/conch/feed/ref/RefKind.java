package org.conch.feed.ref;

/** What ssb-ref's {@code type(id)} recognises; {@link #jsName()} is the string it returns. */
public enum RefKind {
    FEED("feed"),
    MSG("msg"),
    BLOB("blob"),
    ADDRESS("address"),
    INVITE("invite");

    private final String jsName;

    RefKind(String jsName) {
        this.jsName = jsName;
    }

    public String jsName() {
        return jsName;
    }
}
