package io.servent.cli;

import io.servent.node.NodeIdentity;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code servent id}. */
@Command(
        name = "id",
        mixinStandardHelpOptions = true,
        description = "Show the running daemon's PeerId, addresses, agent and protocols.")
final class IdCommand extends ClientCommand {
    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.get("id", Duration.ofSeconds(10));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        NodeIdentity id = client.parse(response, NodeIdentity.class);
        out.println("PeerId     " + id.peerId());
        out.println("agent      " + id.agent());
        if (id.addresses().isEmpty()) {
            out.println("addresses  (none: the node is not listening)");
        }
        for (int i = 0; i < id.addresses().size(); i++) {
            out.println(
                    (i == 0 ? "addresses  " : "           ") + id.addresses().get(i));
        }
        out.println("protocols  " + String.join(", ", id.protocols()));
        return ExitCodes.OK;
    }
}
