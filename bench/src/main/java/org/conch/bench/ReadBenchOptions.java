package org.conch.bench;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The options of the read benches (timeline, search): the store's size, queries a case, and the work directory. */
record ReadBenchOptions(int messages, int feeds, int queries, Path work) {
    /** Parses {@code [--messages N] [--feeds F] [--queries Q] [--work DIR]}; exits with a usage line on anything else. */
    static ReadBenchOptions parse(String bench, String[] args) {
        int messages = 1_000_000;
        int feeds = 1_000;
        int queries = 2_000;
        Path work = Paths.get("target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i].replace("_", ""));
                case "--feeds" -> feeds = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--work" -> work = Paths.get(args[++i]);
                default -> {
                    System.err.println("usage: " + bench + " [--messages N] [--feeds F] [--queries Q] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        return new ReadBenchOptions(messages, feeds, queries, work);
    }
}
