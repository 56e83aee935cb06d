/** Circuit relay v2: hop (reservations with limits) and stop, and a transport for /p2p-circuit addresses. */
@NullMarked
package io.servent.p2p.relay;

import org.jspecify.annotations.NullMarked;
