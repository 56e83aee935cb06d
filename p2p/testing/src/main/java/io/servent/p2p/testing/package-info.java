/**
 * Test support for many peers in one JVM: an in-memory transport, a chaos transport that injects
 * latency, bandwidth caps, stalls, drops and partitions, and {@link io.servent.p2p.testing.Await}.
 */
@NullMarked
package io.servent.p2p.testing;

import org.jspecify.annotations.NullMarked;
