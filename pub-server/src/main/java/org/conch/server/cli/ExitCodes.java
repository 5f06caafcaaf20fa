package org.conch.server.cli;

/** What conch's exit status means, for scripts. */
final class ExitCodes {
    static final int OK = 0;
    /** The command ran into an error, or found invalid input (verify: some lines invalid; import: some refused). */
    static final int FAILED = 1;
    /** A wrong argument (picocli's own code for invalid input), or an input file that cannot be read. */
    static final int USAGE_OR_UNREADABLE = 2;
    /** A bug in conch (EX_SOFTWARE of sysexits.h). */
    static final int INTERNAL_ERROR = 70;

    private ExitCodes() {
    }
}
