package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.FeedException;
import org.conch.feed.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "init",
        header = "Create the data directory and a new identity, and print its id.",
        description = {
                "Creates the data directory and writes a new Ed25519 key pair to DIR/secret in ssb-keys' format "
                        + "(readable by its owner only), then prints the feed id, @….ed25519.",
                "Never overwrites an existing secret: that would lose the identity for good.",
                "With --import-secret, adopts an existing ssb-keys secret instead (e.g. ~/.ssb/secret); never "
                        + "publish from the same identity in two places at once, or the feed forks."})
final class InitCommand extends VerbCommand {
    @Option(names = "--import-secret", paramLabel = "FILE",
            description = "Use the identity in this ssb-keys secret file instead of generating one.")
    private Path importSecret;

    @Override
    public Integer call() {
        DataDirectory data = dataDirectory();
        if (data.hasIdentity()) {
            throw new CliException(data.secretFile() + " already exists" + existingIdentity(data)
                    + ": refusing to overwrite an identity", ExitCodes.FAILED);
        }
        Identity identity = importSecret == null ? Identity.generate() : adopt(importSecret);
        data.create();
        identity.save(data.secretFile());
        if (json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", identity.id().toString());
            result.put("data", data.root().toString());
            printJson(result);
        } else {
            out().println(identity.id());
        }
        return ExitCodes.OK;
    }

    private static Identity adopt(Path secret) {
        if (!Files.isRegularFile(secret)) {
            throw new CliException("cannot read the secret file " + secret + ": no such file", ExitCodes.FAILED);
        }
        return Identity.load(secret);
    }

    private static String existingIdentity(DataDirectory data) {
        try {
            return " (identity " + Identity.load(data.secretFile()).id() + ")";
        } catch (FeedException e) {
            return "";
        }
    }
}
