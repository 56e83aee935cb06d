#!/usr/bin/env bash
# Issue #3's gossipsub benchmark: Ed25519 per core (JDK vs BouncyCastle, JMH) and messages per second
# through a 10-peer mesh with each engine. Writes the "gossipsub" section of bench/RESULTS.md.
#   bench/gossipsub.sh            the full run (about 2 minutes)
#   bench/gossipsub.sh --quick    small sizes, to check the harness
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../bin/lib/jdk.sh
. bin/lib/jdk.sh
servent_use_jdk
echo "building..." >&2
mvn -q -pl bench -am package -DskipTests >&2
cp="bench/target/classes:$(cat bench/target/bench-classpath.txt)"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $SERVENT_JVM_FLAGS --enable-native-access=ALL-UNNAMED -cp "$cp" \
  io.servent.bench.GossipsubBenchRunner --out bench/RESULTS.md --logs bench/target/bench-logs "$@"
