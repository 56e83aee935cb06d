/**
 * The libp2p perf protocol.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/perf/perf.md">perf spec</a>
 */
@NullMarked
package io.servent.p2p.perf;

import org.jspecify.annotations.NullMarked;
