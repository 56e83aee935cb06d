package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;

/** What a {@link Gossipsub} router reports to its event listeners. */
public sealed interface GossipsubEvent {
    /** A peer told us it subscribed to a topic. */
    record PeerSubscribed(PeerId peer, String topic) implements GossipsubEvent {}

    /** A peer told us it unsubscribed from a topic, or it left. */
    record PeerUnsubscribed(PeerId peer, String topic) implements GossipsubEvent {}

    /** A peer joined our mesh of a topic (it grafted us or we grafted it). */
    record Grafted(PeerId peer, String topic) implements GossipsubEvent {}

    /** A peer left our mesh of a topic (pruned by either side, unsubscribed or disconnected). */
    record Pruned(PeerId peer, String topic) implements GossipsubEvent {}

    /** A message was rejected: bad signature, over the topic's size limit, or refused by the validator. */
    record MessageRejected(String topic, PeerId receivedFrom, String reason) implements GossipsubEvent {}
}
