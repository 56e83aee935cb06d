/** gossipsub v1.1 publish/subscribe (/meshsub/1.1.0 and /meshsub/1.0.0) with peer scoring. */
@NullMarked
package io.servent.p2p.gossipsub;

import org.jspecify.annotations.NullMarked;
