package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;

/**
 * A message the router wants checked: its signature, then the topic's validator.
 *
 * @param id the message's id
 * @param message the message as received
 * @param receivedFrom the peer that sent it to us
 */
public record Validation(MessageId id, Message message, PeerId receivedFrom) {}
