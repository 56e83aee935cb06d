package io.servent.node;

import java.util.List;

/**
 * {@code GET /api/v1/id}: who this node is.
 *
 * @param peerId base58 PeerId
 * @param publicKey the libp2p public key protobuf, base64
 * @param addresses multiaddrs other peers can dial, each ending in {@code /p2p/<peerId>}
 * @param agent identify agent version
 * @param protocols protocols this node serves, sorted
 */
public record NodeIdentity(
        String peerId, String publicKey, List<String> addresses, String agent, List<String> protocols) {
    public NodeIdentity {
        addresses = List.copyOf(addresses);
        protocols = List.copyOf(protocols);
    }
}
