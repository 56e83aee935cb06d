package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.DhtService;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code servent dht …}: the Kademlia DHT through the daemon. */
@Command(
        name = "dht",
        mixinStandardHelpOptions = true,
        description = {
            "Use the Kademlia DHT (/ipfs/kad/1.0.0): find peers, announce and find content, store records.",
            "",
            "A KEY for put/get is one of:",
            "  /servent/NAME         this node's own record NAME, signed with its identity; only this node",
            "                        can change it, and the newest version wins",
            "  /servent/PEERID/NAME  another peer's record NAME (readable by anyone)",
            "  /pk/PEERID            a peer's public key (get only)",
            "NAME is 1-256 bytes of text and may contain '/'."
        },
        subcommands = {
            DhtCommand.FindPeer.class,
            DhtCommand.Provide.class,
            DhtCommand.Providers.class,
            DhtCommand.Put.class,
            DhtCommand.Get.class,
            DhtCommand.Stats.class
        })
final class DhtCommand implements Runnable {
    /** A lookup may take the DHT's whole deadline (60 s); leave room for the answer. */
    static final Duration LOOKUP = Duration.ofSeconds(90);

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "name a dht command: find-peer, provide, providers, put, get or stats");
    }

    @Command(
            name = "find-peer",
            mixinStandardHelpOptions = true,
            description = "Find a peer's addresses through the DHT.")
    static final class FindPeer extends ClientCommand {
        @Parameters(paramLabel = "PEERID", description = "The peer to find, e.g. 12D3KooW…")
        @SuppressWarnings("NullAway.Init")
        String peer;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ApiClient.Response response = client.post("dht/find-peer", Map.of("peer", peer), LOOKUP);
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            DhtService.FoundPeer found = client.parse(response, DhtService.FoundPeer.class);
            out.println(found.peerId());
            found.addresses().forEach(a -> out.println("  " + a));
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "provide",
            mixinStandardHelpOptions = true,
            description = "Announce that this node provides CID (republished every 22 h while the daemon runs).")
    static final class Provide extends ClientCommand {
        @Parameters(paramLabel = "CID", description = "The content's CID, e.g. bafkrei…")
        @SuppressWarnings("NullAway.Init")
        String cid;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ApiClient.Response response = client.post("dht/provide", Map.of("cid", cid), LOOKUP);
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            DhtService.ProvideResult result = client.parse(response, DhtService.ProvideResult.class);
            out.println("announced " + result.cid() + " to " + result.peers() + " DHT peers");
            return ExitCodes.OK;
        }
    }

    @Command(name = "providers", mixinStandardHelpOptions = true, description = "Find peers that provide CID.")
    static final class Providers extends ClientCommand {
        @Parameters(paramLabel = "CID", description = "The content's CID.")
        @SuppressWarnings("NullAway.Init")
        String cid;

        @Option(
                names = {"-n", "--max"},
                paramLabel = "N",
                defaultValue = "20",
                description = "Stop after N providers, 1-" + DhtService.MAX_PROVIDERS + " (default ${DEFAULT-VALUE}).")
        int max;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            if (max < 1 || max > DhtService.MAX_PROVIDERS) {
                throw new CliException(ExitCodes.USAGE, "--max must be 1-" + DhtService.MAX_PROVIDERS + ", not " + max);
            }
            ApiClient.Response response =
                    client.get("dht/providers/" + ApiClient.pathSegments(cid) + "?max=" + max, LOOKUP);
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            DhtService.ProvidersResult result = client.parse(response, DhtService.ProvidersResult.class);
            if (result.providers().isEmpty()) {
                out.println("no providers of " + result.cid() + " found");
            }
            for (DhtService.FoundPeer p : result.providers()) {
                out.println(p.peerId());
                p.addresses().forEach(a -> out.println("  " + a));
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = {
                "Store VALUE under KEY in the DHT, signed by this node.",
                "KEY is /servent/NAME (this node's record; see 'servent dht --help')."
            })
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KEY", description = "/servent/NAME")
        @SuppressWarnings("NullAway.Init")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE", description = "The value, as text.")
        @SuppressWarnings("NullAway.Init")
        String value;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ApiClient.Response response = client.post("dht/put", Map.of("key", key, "value", value), LOOKUP);
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            DhtService.PutResult result = client.parse(response, DhtService.PutResult.class);
            out.println(
                    "stored " + result.key() + " (version " + result.seq() + ") on " + result.peers() + " DHT peers");
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = {
                "Print the value stored under KEY: text as is, other bytes in base64.",
                "KEY is /servent/NAME, /servent/PEERID/NAME or /pk/PEERID (see 'servent dht --help')."
            })
    static final class Get extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "/servent/NAME, /servent/PEERID/NAME or /pk/PEERID")
        @SuppressWarnings("NullAway.Init")
        String key;

        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            if (!key.startsWith("/")) {
                throw new CliException(ExitCodes.USAGE, "KEY starts with '/', e.g. /servent/NAME; not '" + key + "'");
            }
            ApiClient.Response response = client.get("dht/get/" + ApiClient.pathSegments(key.substring(1)), LOOKUP);
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            DhtService.GetResult result = client.parse(response, DhtService.GetResult.class);
            out.println(result.value());
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "stats",
            mixinStandardHelpOptions = true,
            description = "Show the DHT's mode, routing table, network size estimate, stores and lookups.")
    static final class Stats extends ClientCommand {
        @Override
        int run(ApiClient client, PrintWriter out) throws CliException {
            ApiClient.Response response = client.get("dht/stats", Duration.ofSeconds(10));
            if (printedJson(response, out)) {
                return ExitCodes.OK;
            }
            JsonNode s = response.json();
            out.println("mode                " + s.path("mode").asText());
            out.println("routing table       " + s.path("routingTableSize").asInt() + " peers");
            StringBuilder buckets = new StringBuilder();
            JsonNode sizes = s.path("buckets");
            for (int i = 0; i < sizes.size(); i++) {
                if (sizes.get(i).asInt() > 0) {
                    buckets.append(buckets.isEmpty() ? "" : " ")
                            .append(i)
                            .append(':')
                            .append(sizes.get(i).asInt());
                }
            }
            out.println("buckets (cpl:peers) " + (buckets.isEmpty() ? "-" : buckets));
            out.println("network size        ~" + s.path("networkSizeEstimate").asLong() + " peers (estimate)");
            out.println("records stored      " + s.path("storedRecords").asInt());
            out.println("provider records    " + s.path("providerEntries").asInt() + " (this node provides "
                    + s.path("providedKeys").asInt() + ")");
            out.printf(
                    java.util.Locale.ROOT,
                    "lookups             %d (%d requests; %.1f hops and %.0f ms on average; at most %d hops)%n",
                    s.path("lookups").asLong(),
                    s.path("lookupRequests").asLong(),
                    s.path("meanLookupHops").asDouble(),
                    s.path("meanLookupMillis").asDouble(),
                    s.path("maxLookupHops").asInt());
            return ExitCodes.OK;
        }
    }
}
