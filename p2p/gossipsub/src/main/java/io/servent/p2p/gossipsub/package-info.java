/**
 * Gossipsub v1.1 publish/subscribe ({@code /meshsub/1.1.0}, also speaking {@code /meshsub/1.0.0}),
 * interoperable with go-libp2p-pubsub and js-libp2p's {@code @libp2p/gossipsub}.
 *
 * <p>{@link io.servent.p2p.gossipsub.Gossipsub} is the service an application starts on a host:
 * subscribe, publish, validators, events. Underneath, {@link io.servent.p2p.gossipsub.GossipsubRouter}
 * is the whole protocol without I/O (mesh, fanout, gossip, caches, backoff, PX, peer scoring): it takes
 * inputs with the time and returns {@link io.servent.p2p.gossipsub.RouterAction}s, so a simulator can
 * drive many routers on a virtual clock. {@link io.servent.p2p.gossipsub.GossipsubConfig},
 * {@link io.servent.p2p.gossipsub.PeerScoreParams} and {@link io.servent.p2p.gossipsub.GossipsubLimits}
 * hold every parameter with the spec's defaults.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/README.md">pubsub</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.0.md">gossipsub v1.0</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md">gossipsub v1.1</a>
 */
@NullMarked
package io.servent.p2p.gossipsub;

import org.jspecify.annotations.NullMarked;
