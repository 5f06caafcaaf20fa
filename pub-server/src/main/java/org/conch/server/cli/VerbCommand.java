package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.json.CanonicalJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What every verb of {@link ConchCommand} shares: -h/--help and -V/--version, the global options and the
 * output streams. (Picocli applies a superclass's {@code @Command} attributes to its subclasses.)
 */
@Command(mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        optionListHeading = "%nOptions:%n",
        parameterListHeading = "%nArguments:%n")
abstract class VerbCommand implements Callable<Integer> {
    /** {@link ConchCommand}, or for a verb of a verb ({@code conch invite create}) that verb. */
    @ParentCommand
    private Object parent;

    @Spec
    private CommandSpec spec;

    DataDirectory dataDirectory() {
        return conch().dataDirectory();
    }

    boolean json() {
        return conch().json();
    }

    ConchCommand conch() {
        return parent instanceof VerbCommand verb ? verb.conch() : (ConchCommand) parent;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints one value of the JSON model as a compact line. */
    void printJson(Object value) {
        out().println(CanonicalJson.compact(value));
    }

    /** "1 message", "2 messages". */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** A wrong argument found after parsing: reported like picocli's own, one line and exit 2. */
    ParameterException wrongArgument(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
