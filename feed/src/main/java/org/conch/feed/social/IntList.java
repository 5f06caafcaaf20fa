package org.conch.feed.social;

import java.util.Arrays;

/** A growing array of ints added in increasing order (post numbers), searched from the newest down. */
final class IntList {
    private int[] values = new int[2];
    private int size;

    void add(int value) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** The value added last, -1 when there is none (values are never negative). */
    int last() {
        return size == 0 ? -1 : values[size - 1];
    }

    int get(int index) {
        return values[index];
    }

    boolean contains(int value) {
        return Arrays.binarySearch(values, 0, size, value) >= 0;
    }

    /** The index of the largest value below {@code bound}, -1 when there is none. */
    int lastBelow(int bound) {
        int found = Arrays.binarySearch(values, 0, size, bound);
        return (found >= 0 ? found : -found - 1) - 1;
    }
}
