package org.conch.feed.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generators of inputs near valid ones, for the fuzz properties: a seed (a real vector, an edge case) with a few
 * mutations applied in turn. The mutations are those of the usual fuzzers: bit flips, overwritten units, inserted
 * runs (random or from a list of interesting tokens), deletions, duplicated slices, truncation and splices with
 * another seed. They work on units, bytes or UTF-16 chars, so one implementation serves binary and text inputs.
 * Every part is a jqwik arbitrary, so a failure shrinks towards the unmutated seed.
 */
public final class Mutations {
    /** Mutations applied to one seed: 0 (the seed itself) to this many. */
    private static final int MAX_MUTATIONS = 4;
    /** Longest run a mutation inserts, deletes or duplicates. */
    private static final int MAX_RUN = 64;

    private enum Kind { FLIP_BIT, SET_UNIT, INSERT_TOKEN, INSERT_RANDOM, DELETE, DUPLICATE, TRUNCATE, SPLICE }

    /** One mutation; positions and values are reduced modulo what they index when applied. */
    private record Mutation(Kind kind, int at, int length, int value, int other) {
    }

    private Mutations() {
    }

    /** Byte strings near {@code seeds}; {@code tokens} are byte runs worth inserting (magic numbers, lengths). */
    public static Arbitrary<byte[]> ofBytes(List<byte[]> seeds, List<byte[]> tokens) {
        List<int[]> seedUnits = seeds.stream().map(Mutations::units).toList();
        List<int[]> tokenUnits = tokens.stream().map(Mutations::units).toList();
        return mutated(seedUnits, tokenUnits, 8).map(Mutations::bytes);
    }

    /** Strings near {@code seeds}; {@code tokens} are substrings worth inserting (separators, sigils, escapes). */
    public static Arbitrary<String> ofStrings(List<String> seeds, List<String> tokens) {
        List<int[]> seedUnits = seeds.stream().map(Mutations::units).toList();
        List<int[]> tokenUnits = tokens.stream().map(Mutations::units).toList();
        return mutated(seedUnits, tokenUnits, 16).map(Mutations::string);
    }

    /** UTF-8 of each string, for seeding {@link #ofBytes} with text. */
    public static List<byte[]> utf8(List<String> texts) {
        return texts.stream().map(text -> text.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static Arbitrary<int[]> mutated(List<int[]> seeds, List<int[]> tokens, int bitsPerUnit) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("mutations need at least one seed");
        Arbitrary<Mutation> mutation = Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(1, MAX_RUN),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.integers().between(0, seeds.size() - 1)).as(Mutation::new);
        return Combinators.combine(Arbitraries.integers().between(0, seeds.size() - 1),
                        mutation.list().ofMaxSize(MAX_MUTATIONS))
                .as((seed, mutations) -> {
                    List<Integer> units = toList(seeds.get(seed));
                    for (Mutation m : mutations) {
                        apply(m, units, seeds, tokens, bitsPerUnit);
                    }
                    return units.stream().mapToInt(Integer::intValue).toArray();
                });
    }

    private static void apply(Mutation m, List<Integer> units, List<int[]> seeds, List<int[]> tokens, int bits) {
        int size = units.size();
        int mask = (1 << bits) - 1;
        int at = Math.floorMod(m.at(), size + 1);
        switch (m.kind()) {
            case FLIP_BIT -> {
                if (size > 0) units.set(at % size, units.get(at % size) ^ (1 << (m.value() % bits)));
            }
            case SET_UNIT -> {
                if (size > 0) units.set(at % size, m.value() & mask);
            }
            case INSERT_TOKEN -> {
                if (!tokens.isEmpty()) units.addAll(at, toList(tokens.get(m.value() % tokens.size())));
            }
            case INSERT_RANDOM -> {
                List<Integer> run = new ArrayList<>(m.length());
                int x = m.value();
                for (int i = 0; i < m.length(); i++) {
                    x = x * 1_103_515_245 + 12_345; // any cheap sequence will do; shrinking makes it zeros
                    run.add((x >>> 8) & mask);
                }
                units.addAll(at, run);
            }
            case DELETE -> units.subList(at, Math.min(size, at + m.length())).clear();
            case DUPLICATE -> units.addAll(at, new ArrayList<>(units.subList(at, Math.min(size, at + m.length()))));
            case TRUNCATE -> units.subList(at, size).clear();
            case SPLICE -> {
                int[] other = seeds.get(m.other());
                int from = Math.floorMod(m.value(), other.length + 1);
                units.subList(at, size).clear();
                units.addAll(toList(java.util.Arrays.copyOfRange(other, from, other.length)));
            }
        }
    }

    private static List<Integer> toList(int[] units) {
        List<Integer> list = new ArrayList<>(units.length + MAX_RUN);
        for (int unit : units) list.add(unit);
        return list;
    }

    private static int[] units(byte[] bytes) {
        int[] units = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) units[i] = bytes[i] & 0xff;
        return units;
    }

    private static int[] units(String text) {
        return text.chars().toArray();
    }

    private static byte[] bytes(int[] units) {
        byte[] bytes = new byte[units.length];
        for (int i = 0; i < units.length; i++) bytes[i] = (byte) units[i];
        return bytes;
    }

    private static String string(int[] units) {
        char[] chars = new char[units.length];
        for (int i = 0; i < units.length; i++) chars[i] = (char) units[i];
        return new String(chars);
    }
}
