package org.conch.server.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Failures as the user sees them: the error itself, not the wrappers that carried it across threads. */
public final class Failures {
    private Failures() {
    }

    /** The cause inside any {@link ExecutionException} and {@link CompletionException} around it. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
