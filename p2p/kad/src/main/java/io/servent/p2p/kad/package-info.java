/** Kademlia DHT (/ipfs/kad/1.0.0): routing table, lookups, providers and records. */
@NullMarked
package io.servent.p2p.kad;

import org.jspecify.annotations.NullMarked;
