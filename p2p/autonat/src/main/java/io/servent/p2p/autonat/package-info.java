/** AutoNAT v1: learning whether this peer is publicly reachable. */
@NullMarked
package io.servent.p2p.autonat;

import org.jspecify.annotations.NullMarked;
