/**
 * Benchmarks of the servent stack against the machine's limits and js-libp2p, measured in one run by
 * {@code bench/run.sh}: {@link io.servent.bench.BenchRunner} starts every process, samples their CPU
 * time and writes {@code bench/RESULTS.md}. Nothing here runs in {@code mvn verify}; it only compiles.
 */
@NullMarked
package io.servent.bench;

import org.jspecify.annotations.NullMarked;
