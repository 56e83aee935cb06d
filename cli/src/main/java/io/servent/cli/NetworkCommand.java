package io.servent.cli;

import io.servent.node.NetworkStatus;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code servent network}. */
@Command(
        name = "network",
        mixinStandardHelpOptions = true,
        description = "Show how the node sits in the network: reachability, DHT mode, relays, addresses, mDNS.")
final class NetworkCommand extends ClientCommand {
    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.get("network", Duration.ofSeconds(10));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        NetworkStatus n = client.parse(response, NetworkStatus.class);
        out.println("PeerId        " + n.peerId());
        out.println("reachability  " + n.reachability() + (n.reachabilityForced() ? " (forced in servent.toml)" : ""));
        out.println("DHT           "
                + (n.dht().enabled()
                        ? n.dht().mode() + " mode (configured " + n.dht().configuredMode() + "), "
                                + n.dht().routingTableSize() + " peers in the routing table"
                        : "off"));
        out.println("pubsub        " + (n.pubsub() ? "on" : "off"));
        out.println("mDNS          " + (n.mdns() ? "on" : "off"));
        out.println("relay service "
                + (n.relay().service()
                        ? "on: " + n.relay().serviceReservations() + " reservations, "
                                + n.relay().serviceCircuits() + " circuits"
                        : "off"));
        out.println("relay client  " + (n.relay().client() ? "on" : "off"));
        for (NetworkStatus.Reservation r : n.relay().reservations()) {
            out.println("  reserved on " + r.relay() + " until " + r.expiry());
        }
        out.println("connections   " + n.connections());
        printList(out, "listening     ", n.listenAddresses());
        printList(out, "advertised    ", n.advertisedAddresses());
        for (NetworkStatus.BootstrapPeer b : n.bootstrap()) {
            out.println("bootstrap     " + b.address()
                    + (b.connected() ? " (connected)" : " (not connected, " + b.failures() + " failed attempts)"));
        }
        return ExitCodes.OK;
    }

    private static void printList(PrintWriter out, String label, java.util.List<String> items) {
        if (items.isEmpty()) {
            out.println(label + "(none)");
        }
        for (int i = 0; i < items.size(); i++) {
            out.println((i == 0 ? label : " ".repeat(label.length())) + items.get(i));
        }
    }
}
