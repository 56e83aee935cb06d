package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;

/**
 * What the {@link GossipsubRouter} asks its driver to do after an input: the I/O shell
 * ({@link Gossipsub}) or a simulator.
 */
public sealed interface RouterAction {
    /** Write {@code rpc} on our stream to {@code peer}. */
    record Send(PeerId peer, RPC rpc) implements RouterAction {}

    /**
     * Check the message's signature and run the topic's validator (off the router thread), then report
     * with {@link GossipsubRouter#validated(Validation, ValidationOutcome, long)}.
     */
    record Validate(Validation validation) implements RouterAction {}

    /** Hand an accepted message to the application's subscriptions of its topic. */
    record Deliver(GossipsubMessage message) implements RouterAction {}

    /** Connect to a peer: a direct peer that is not connected, or one learnt by peer exchange. */
    record Connect(PeerId peer) implements RouterAction {}

    /** Tell the event listeners. */
    record Notify(GossipsubEvent event) implements RouterAction {}
}
