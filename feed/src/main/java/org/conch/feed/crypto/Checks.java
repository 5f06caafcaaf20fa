package org.conch.feed.crypto;

/** Argument checks shared by the primitives: a wrong key size is a programming error, not a peer's. */
final class Checks {
    private Checks() {
    }

    static void size(byte[] bytes, int size, String what) {
        if (bytes == null || bytes.length != size) {
            throw new IllegalArgumentException("a " + what + " has " + size + " bytes, not "
                    + (bytes == null ? "none" : bytes.length));
        }
    }

    static void range(byte[] bytes, int offset, int length, String what) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new IndexOutOfBoundsException(what + ": offset " + offset + " length " + length
                    + " outside an array of " + bytes.length);
        }
    }
}
