/**
 * The many-peer simulator: thousands of real servent hosts (BasicHost, the real {@code KadDht} and
 * {@code Gossipsub}) in one JVM on the in-memory transport, with per-link latency from the chaos
 * transport and churn drawn from a Weibull session-time distribution. {@link io.servent.sim.Sim}
 * runs named scenarios and prints a report.
 */
@NullMarked
package io.servent.sim;

import org.jspecify.annotations.NullMarked;
