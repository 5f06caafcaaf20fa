package org.conch.server.cli;

import org.conch.server.cli.ConchCommand;

/** The conch program: {@code java -jar conch.jar <verb> …}, usually through {@code scripts/conch}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(ConchCommand.run(args, System.getenv(), System.in, System.out, System.err));
    }
}
