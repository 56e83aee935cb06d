package io.servent.cli;

import io.servent.node.PeerConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code servent connect MULTIADDR}. */
@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = "Connect the daemon to a peer, e.g. servent connect /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…")
final class ConnectCommand extends ClientCommand {
    @Parameters(paramLabel = "MULTIADDR", description = "The peer's address, ideally ending in /p2p/<PeerId>.")
    @SuppressWarnings("NullAway.Init")
    String address;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.post("connect", Map.of("address", address), Duration.ofSeconds(60));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        PeerConnection c = client.parse(response, PeerConnection.class);
        out.println("connected to " + c.peerId());
        out.println("  address   " + c.remoteAddress() + " (" + c.direction() + ")");
        out.println("  secured   " + c.security() + ", multiplexed with " + c.muxer());
        out.println("  agent     " + (c.agent() == null ? "(identify has not answered yet)" : c.agent()));
        return ExitCodes.OK;
    }
}
