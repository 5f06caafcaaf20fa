package org.conch.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pub-server's packages depend on each other one way only: config and the API contract at the bottom, the HTTP
 * routes above them, the server's wiring above those, the CLI on top. Read from the sources: every import and
 * fully qualified name of an {@code org.conch.server} class counts.
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.conch\\.server(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void packagesFormNoCycle() {
        Map<String, Set<String>> graph = dependencies();

        assertThat(graph).containsKeys("org.conch.server", "org.conch.server.cli", "org.conch.server.http");
        assertThat(cycles(graph)).as("package cycles in %s", graph).isEmpty();
    }

    @Test
    void theWiringDependsOnTheRoutesAndTheCliOnTheWiringNotTheOtherWayRound() {
        Map<String, Set<String>> graph = dependencies();

        assertThat(graph.get("org.conch.server")).contains("org.conch.server.http", "org.conch.server.web")
                .doesNotContain("org.conch.server.cli");
        assertThat(graph.get("org.conch.server.cli")).contains("org.conch.server");
        assertThat(graph.get("org.conch.server.http")).doesNotContain("org.conch.server");
        assertThat(graph.get("org.conch.server.config")).doesNotContain("org.conch.server", "org.conch.server.cli");
    }

    /** For each package, the other packages of pub-server its classes name. */
    private static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES.resolve("org/conch/server"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher matcher = REFERENCE.matcher(Files.readString(file));
                while (matcher.find()) {
                    if (!matcher.group(1).equals(pkg)) uses.add(matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** Each cycle found by a depth-first walk, as the packages along it. */
    private static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) walk(start, graph, new ArrayList<>(), done, found);
        return found;
    }

    private static void walk(String pkg, Map<String, Set<String>> graph, List<String> path, Set<String> done, List<List<String>> found) {
        int seen = path.indexOf(pkg);
        if (seen >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
            cycle.add(pkg);
            found.add(cycle);
            return;
        }
        if (done.contains(pkg)) return;
        path.add(pkg);
        for (String next : graph.getOrDefault(pkg, Set.of())) walk(next, graph, path, done, found);
        path.remove(path.size() - 1);
        done.add(pkg);
    }
}
