package io.servent.node;

import io.javalin.config.RoutesConfig;
import io.servent.p2p.api.Host;

/** {@code GET /api/v1/network}: reachability, DHT mode, relays, addresses, mDNS ({@link NetworkStatus}). */
final class NetworkRoutes {
    private NetworkRoutes() {}

    static void register(RoutesConfig routes, Host host, NetworkServices network) {
        routes.get(ControlApi.PREFIX + "/network", ctx -> ctx.json(NetworkStatus.of(host, network)));
    }
}
