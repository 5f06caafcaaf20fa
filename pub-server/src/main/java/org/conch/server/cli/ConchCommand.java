package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.FeedException;
import org.conch.gossip.GossipException;
import org.conch.server.api.Failures;
import org.conch.server.config.ConfigException;
import org.conch.server.config.ServerException;
import org.conch.server.config.ServerConfig;
import org.conch.server.log.LogLevel;
import org.conch.server.log.LogSettings;
import org.conch.server.log.Logs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code conch} command: options every verb shares, and the rules for errors — a wrong argument is
 * one line on stderr and exit 2, an error from the domain one line {@code conch: <message>} and exit 1,
 * never a stack trace unless {@code --verbose}.
 */
@Command(name = "conch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "A Scuttlebutt peer and pub server.",
        description = {
                "Holds an identity and a store of signed feeds in a data directory, and moves feeds in and out "
                        + "of it as JSON lines."},
        subcommands = {
                InitCommand.class,
                WhoamiCommand.class,
                PublishCommand.class,
                PrivateCommand.class,
                FeedCommand.class,
                VerifyCommand.class,
                ExportCommand.class,
                ImportCommand.class,
                FsckCommand.class,
                ContactCommand.Follow.class,
                ContactCommand.Unfollow.class,
                ContactCommand.Block.class,
                InviteCommand.class,
                ServeCommand.class,
                StatusCommand.class,
                ConnectCommand.class,
                BlobsCommand.class,
                RoomCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success",
                "1:an error, or invalid input found (verify: invalid lines; import: refused lines)",
                "2:a wrong argument, or an input file that cannot be read"},
        footer = {"", "Start with `conch init`; `conch help VERB` explains a verb."})
public final class ConchCommand implements Callable<Integer> {
    static final String DATA_ENVIRONMENT_VARIABLE = "CONCH_DATA";
    /** The usage line first, then the one-line summary and the description, as man pages and git do. */
    private static final List<String> USAGE_FIRST = List.of(
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_AT_FILE_PARAMETER,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_END_OF_OPTIONS,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING,
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER);

    @Option(names = "--data", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The data directory (default: $" + DATA_ENVIRONMENT_VARIABLE + ", else ~/.conch).")
    private Path dataOption;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Machine-readable output: JSON on stdout.")
    private boolean json;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log at debug level on stderr, and show stack traces of internal errors.")
    private boolean verbose;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> environment;
    private final InputStream stdin;
    /** Where verbs that print bytes ({@code blobs get}) write; null: the process's standard output. */
    private java.io.OutputStream binaryOut;

    ConchCommand(Map<String, String> environment, InputStream stdin) {
        this.environment = environment;
        this.stdin = stdin;
    }

    /** Runs conch with these arguments and returns its exit status; flushes but never closes the streams. */
    public static int run(String[] args, Map<String, String> environment, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        // Buffered: `conch feed` and `conch verify` can print millions of lines.
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16), false);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        try {
            CommandLine commandLine = newCommandLine(environment, stdin, out, err);
            ((ConchCommand) commandLine.getCommand()).binaryOut = stdout;
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A ready command line: tests call {@code execute} on it with their own writers. */
    static CommandLine newCommandLine(Map<String, String> environment, InputStream stdin, PrintWriter out, PrintWriter err) {
        ConchCommand conch = new ConchCommand(environment, stdin);
        CommandLine commandLine = new CommandLine(conch);
        commandLine.setHelpSectionKeys(USAGE_FIRST);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(ConchCommand::reportWrongArgument);
        commandLine.setExecutionExceptionHandler((e, command, parseResult) -> conch.reportFailure(e, command));
        commandLine.setExecutionStrategy(parseResult -> {
            // before the verb runs, so that it logs as configured; serve reads these settings with its others
            List<CommandLine> verbs = parseResult.asCommandLineList();
            if (!(verbs.get(verbs.size() - 1).getCommand() instanceof ServeCommand)) {
                try {
                    LogSettings logs = ServerConfig.logSettings(conch.dataDirectory().root(), environment);
                    Logs.configure(logs.format(), conch.verbose ? LogLevel.DEBUG : logs.level());
                } catch (ConfigException e) {
                    return conch.reportFailure(e, commandLine);
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }

    /** {@code conch} alone: the usage, and a usage error's exit status. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE_OR_UNREADABLE;
    }

    DataDirectory dataDirectory() {
        if (dataOption != null) return new DataDirectory(dataOption);
        String fromEnvironment = environment.get(DATA_ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) return new DataDirectory(Path.of(fromEnvironment));
        return new DataDirectory(Path.of(System.getProperty("user.home"), ".conch"));
    }

    boolean json() {
        return json;
    }

    boolean verbose() {
        return verbose;
    }

    Map<String, String> environment() {
        return environment;
    }

    InputStream stdin() {
        return stdin;
    }

    java.io.OutputStream binaryOut() {
        return binaryOut != null ? binaryOut : System.out;
    }

    private static int reportWrongArgument(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        command.getErr().println(name + ": " + oneLine(e.getMessage())
                + " (see '" + name + " --help')");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private int reportFailure(Exception thrown, CommandLine command) {
        PrintWriter err = command.getErr();
        // a failure that crossed threads arrives wrapped; the user is told the failure itself
        Throwable e = Failures.unwrap(thrown);
        if (e instanceof CliException failure) {
            err.println("conch: " + oneLine(failure.getMessage()));
            if (verbose && failure.getCause() != null) failure.getCause().printStackTrace(err);
            return failure.exitCode();
        }
        if (e instanceof ConfigException failure) {
            err.println("conch: " + oneLine(failure.getMessage()));
            return ExitCodes.USAGE_OR_UNREADABLE;
        }
        if (e instanceof FeedException || e instanceof GossipException || e instanceof ServerException) {
            RuntimeException failure = (RuntimeException) e;
            err.println("conch: " + oneLine(failure.getMessage()));
            if (verbose) failure.printStackTrace(err);
            return ExitCodes.FAILED;
        }
        err.println("conch: internal error: " + oneLine(String.valueOf(e))
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) e.printStackTrace(err);
        return ExitCodes.INTERNAL_ERROR;
    }

    /** Messages of nested causes can span lines; an error here is always one. */
    static String oneLine(String message) {
        if (message == null) return "unknown error";
        String line = message.strip().replaceAll("\\s*\\R\\s*", "; ");
        return line.startsWith("Error: ") ? line.substring("Error: ".length()) : line;
    }
}
