#!/usr/bin/env bash
# Whole-process swarming benchmark: one file (1 GiB by default) moved on loopback from 1 seeder and
# from 4 seeders, each seeder and the downloader its own process, with servent (/servent/blocks/1.0.0
# over TCP + Noise + Yamux, Conscrypt's ChaCha20-Poly1305) and with libtorrent 2.0 (Debian's
# python3-libtorrent, BitTorrent over TCP, default settings: no encryption). Same file, same piece /
# block size (1 MiB), same disk. Prints MB/s per run and the servent / libtorrent ratios.
#
#   bench/files-swarm.sh [work dir]      (default: a fresh directory under /tmp, removed at the end)
#
# servent's downloader JVM first fetches an untimed 128 MiB warm-up file from the same seeders (the JIT
# must compile the hot paths; on a loaded machine that takes seconds); libtorrent is native code.
#
# Environment: SIZE_MIB=1024, ROUNDS=2 (alternating servent and libtorrent), SEEDERS="1 4",
# STACKS="servent libtorrent", KEEP=1 keeps the work dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-$(mktemp -d /tmp/servent-swarm-bench.XXXXXX)}"
SIZE_MIB="${SIZE_MIB:-1024}"
ROUNDS="${ROUNDS:-2}"
SEEDERS="${SEEDERS:-1 4}"
STACKS="${STACKS:-servent libtorrent}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
JAVA="$JAVA_HOME/bin/java"
PY=/usr/bin/python3
LT="$ROOT/bench/files-swarm-libtorrent.py"
PIDS=()

cleanup() {
    for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
    [[ "${KEEP:-0}" == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if ! "$PY" -c 'import libtorrent' 2>/dev/null; then
    echo "== installing python3-libtorrent"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-libtorrent
fi

echo "== building apps/files (test classes + classpath)"
(cd "$ROOT" && mvn -q -pl apps/files -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath.txt" -Dmdep.includeScope=test -Dspotless.check.skip=true >/dev/null)
CONSCRYPT="$(find ~/.m2/repository/org/conscrypt/conscrypt-openjdk-uber -name '*.jar' | sort | tail -1)"
# Copies, so that rebuilding the worktree while the benchmark runs cannot change the classes under it.
cp -r "$ROOT/apps/files/target/classes" "$WORK/classes"
cp -r "$ROOT/apps/files/target/test-classes" "$WORK/test-classes"
CP="$WORK/test-classes:$WORK/classes:$(cat "$WORK/classpath.txt"):$CONSCRYPT"
cat > "$WORK/logback.xml" <<'XML'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder></appender>
  <logger name="io.servent.apps.files.SwarmDownload" level="INFO"/>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
XML
# The same G1 region size as bin/servent gives the daemon (1 MiB blocks are not humongous objects).
JOPTS=(--enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$WORK/logback.xml" -Xmx1g -XX:G1HeapRegionSize=4m)

echo "== creating a ${SIZE_MIB} MiB file"
mkdir -p "$WORK/src"
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$WORK/src/bench.bin"
SUM="$(sha256sum "$WORK/src/bench.bin" | cut -d' ' -f1)"
# servent's downloader first fetches this (untimed) so the JIT has compiled the hot paths; libtorrent
# is native code and needs no warm-up. It lives in the shared directory but not in the torrent.
head -c "$((128 << 20))" /dev/urandom > "$WORK/src/warmup.bin"
"$PY" "$LT" make "$WORK/src/bench.bin" "$WORK/bench.torrent"

# Waits for a "ready" line in a seeder's output file.
await_ready() {
    local out="$1"
    for _ in $(seq 1 1200); do
        if grep -q '^ready ' "$out" 2>/dev/null; then grep '^ready ' "$out" | head -1; return; fi
        sleep 0.1
    done
    echo "seeder did not start: $(cat "$out")" >&2; exit 1
}

stop_seeders() {
    for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
    PIDS=()
}

check() {
    local got
    got="$(sha256sum "$1" | cut -d' ' -f1)"
    [[ "$got" == "$SUM" ]] || { echo "downloaded file differs from the source" >&2; exit 1; }
}

run_servent() {
    local n="$1" run="$2" addrs=() root="" warm=""
    rm -rf "$WORK/sv"; mkdir -p "$WORK/sv"
    for i in $(seq 1 "$n"); do
        "$JAVA" "${JOPTS[@]}" -cp "$CP" io.servent.apps.files.FilesSwarmBench seed "$WORK/src/bench.bin" \
            "$WORK/sv/seed$i" "$WORK/src/warmup.bin" > "$WORK/sv/seed$i.out" 2> "$WORK/sv/seed$i.err" &
        PIDS+=($!)
    done
    for i in $(seq 1 "$n"); do
        read -r _ addr root warm < <(await_ready "$WORK/sv/seed$i.out")
        addrs+=("$addr")
    done
    local line
    line="$("$JAVA" "${JOPTS[@]}" -cp "$CP" io.servent.apps.files.FilesSwarmBench get "$root" "$WORK/sv/dest" \
        "$WORK/sv/dl" "warmup=$warm" "${addrs[@]}" 2> "$WORK/sv/get.err")"
    stop_seeders
    grep -h 'finished.*bench.bin' "$WORK/sv/get.err" | sed 's/^/    /' || true
    check "$WORK/sv/dest/bench.bin"
    echo "servent $n $run $(echo "$line" | sed -n 's/.*mbps=\([0-9.]*\).*/\1/p') $(echo "$line" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')" \
        | tee -a "$WORK/results.txt"
}

run_libtorrent() {
    local n="$1" run="$2" ports=()
    rm -rf "$WORK/lt"; mkdir -p "$WORK/lt/dest"
    for i in $(seq 1 "$n"); do
        "$PY" "$LT" seed "$WORK/bench.torrent" "$WORK/src" > "$WORK/lt/seed$i.out" 2> "$WORK/lt/seed$i.err" &
        PIDS+=($!)
    done
    for i in $(seq 1 "$n"); do
        read -r _ port < <(await_ready "$WORK/lt/seed$i.out")
        ports+=("$port")
    done
    local line
    line="$("$PY" "$LT" get "$WORK/bench.torrent" "$WORK/lt/dest" "${ports[@]}")"
    stop_seeders
    check "$WORK/lt/dest/bench.bin"
    echo "libtorrent $n $run $(echo "$line" | sed -n 's/.*mbps=\([0-9.]*\).*/\1/p') $(echo "$line" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')" \
        | tee -a "$WORK/results.txt"
}

: > "$WORK/results.txt"
echo "== runs: stack seeders round MB/s seconds (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
for run in $(seq 1 "$ROUNDS"); do
    for n in $SEEDERS; do
        for stack in $STACKS; do "run_$stack" "$n" "$run"; done
    done
done

echo
printf '%-10s %8s %22s %10s\n' "stack" "seeders" "MB/s per round" "median"
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
for n in $SEEDERS; do
    for stack in $STACKS; do
        vals="$(awk -v s="$stack" -v n="$n" '$1==s && $2==n {print $4}' "$WORK/results.txt")"
        printf '%-10s %8s %22s %10s\n' "$stack" "$n" "$(echo $vals | tr ' ' ',')" "$(echo "$vals" | median)"
    done
    [[ "$STACKS" == *servent* && "$STACKS" == *libtorrent* ]] || continue
    sv="$(awk -v n="$n" '$1=="servent" && $2==n {print $4}' "$WORK/results.txt" | median)"
    lt="$(awk -v n="$n" '$1=="libtorrent" && $2==n {print $4}' "$WORK/results.txt" | median)"
    printf 'ratio servent / libtorrent, %s seeder(s): %.2f\n' "$n" "$(awk "BEGIN { print $sv / $lt }")"
done
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
