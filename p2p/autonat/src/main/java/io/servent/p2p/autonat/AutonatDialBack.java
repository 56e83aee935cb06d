package io.servent.p2p.autonat;

import io.servent.p2p.api.Multiaddr;
import java.io.IOException;

/**
 * Dials one address of the requesting peer on a fresh connection and proves its identity, then lets
 * the connection go. It must not reuse the connection the request came on, or every peer would look
 * reachable; {@code BasicHost::probe} does this.
 */
@FunctionalInterface
public interface AutonatDialBack {
    /**
     * @param address the address to test, ending in {@code /p2p/<requester>}
     * @throws IOException if the address cannot be dialed or another peer answers there
     */
    void dialBack(Multiaddr address) throws IOException;
}
