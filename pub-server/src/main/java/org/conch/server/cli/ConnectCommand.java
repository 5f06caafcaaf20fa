package org.conch.server.cli;

import org.conch.server.config.DataDirectory;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.room.TunnelAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "connect",
        header = "Ask the running server to connect to a peer and replicate with it.",
        description = {
                "ADDRESS is a multiserver address, net:HOST:PORT~shs:KEY. The server dials it now and replicates "
                        + "until either side closes; with --keep it dials again whenever the connection drops, "
                        + "until the server stops (for a permanent peer, put it in config.json's \"connect\").",
                "A room's address makes the server attend the room too: it opens tunnels to the attendants "
                        + "within its hops. One attendant is reached with tunnel:@ROOM:@TARGET~shs:KEY, once "
                        + "the server is connected to that room.",
                "Needs `conch serve` running for the same data directory."})
final class ConnectCommand extends VerbCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "net:HOST:PORT~shs:KEY or tunnel:@ROOM:@TARGET~shs:KEY")
    private String address;

    @Option(names = "--keep", description = "Redial whenever the connection drops, with backoff.")
    private boolean keep;

    @Override
    public Integer call() {
        try {
            if (address.startsWith("tunnel:")) TunnelAddress.parse(address);
            else MultiserverAddress.parse(address);
        } catch (RuntimeException e) {
            throw wrongArgument("ADDRESS must be net:HOST:PORT~shs:KEY or tunnel:@ROOM:@TARGET~shs:KEY: " + e.getMessage());
        }
        DataDirectory data = dataDirectory();
        data.identity();
        ServerClient server = ServerClient.find(data).orElseThrow(() -> new CliException(
                "no conch server is running for " + data.root() + ": start one with `conch serve` first "
                        + "(connect asks the running server to dial)", ExitCodes.FAILED));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("address", address);
        request.put("keep", keep);
        Map<?, ?> reply = (Map<?, ?>) server.post("/api/connect", request);
        if (json()) printJson(reply);
        else out().println("connected to " + reply.get("id"));
        return ExitCodes.OK;
    }
}
