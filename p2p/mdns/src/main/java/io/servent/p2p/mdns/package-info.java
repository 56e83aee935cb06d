/** mDNS peer discovery on the local network (_p2p._udp.local). */
@NullMarked
package io.servent.p2p.mdns;

import org.jspecify.annotations.NullMarked;
