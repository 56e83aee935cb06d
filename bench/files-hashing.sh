#!/usr/bin/env bash
# Whole-process benchmark: servent's share indexer (UnixFS DAGs, 1 MiB raw leaves, SQLite index)
# versus sha256sum over the same 10,000 files (mixed sizes, ~1.5 GiB), both on a warm page cache,
# both using every core (and openssl dgst, whose SHA-256 uses the CPU's SHA extensions as the JDK's
# does, when it is installed). Prints the times and the ratios. Self-contained: builds what it needs.
#
#   bench/files-hashing.sh [work dir]      (default: a fresh directory under /tmp, removed at the end)
#
# Environment: FILES=10000 (file count), SEED=1, KEEP=1 keeps the work dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${1:-$(mktemp -d /tmp/servent-files-bench.XXXXXX)}"
FILES="${FILES:-10000}"
SEED="${SEED:-1}"
CORES="$(nproc)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
JAVA="$JAVA_HOME/bin/java"

cleanup() { [[ "${KEEP:-0}" == 1 ]] || rm -rf "$WORK"; }
trap cleanup EXIT

echo "== building apps/files (test classes + classpath)"
(cd "$ROOT" && mvn -q -pl apps/files -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath.txt" -Dmdep.includeScope=test -Dspotless.check.skip=true >/dev/null)
CP="$ROOT/apps/files/target/test-classes:$ROOT/apps/files/target/classes:$(cat "$WORK/classpath.txt")"

echo "== creating $FILES files in $WORK/share"
python3 - "$WORK/share" "$FILES" "$SEED" <<'PY'
import os, random, sys
root, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
block = os.urandom(16 << 20)  # sliced at random offsets: incompressible, distinct files
total = 0
for i in range(count):
    r = rnd.random()
    if r < 0.90:
        size = rnd.randint(0, 64 << 10)          # 90 %: up to 64 KiB
    elif r < 0.99:
        size = rnd.randint(64 << 10, 1 << 20)    # 9 %: 64 KiB to 1 MiB
    else:
        size = rnd.randint(8 << 20, 16 << 20)    # 1 %: 8 to 16 MiB
    d = os.path.join(root, "d%02d" % (i % 50), "s%02d" % (i % 7))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file-%05d.bin" % i), "wb") as f:
        off = rnd.randint(0, len(block) - 1)
        left = size
        f.write(i.to_bytes(4, "little")[:min(4, left)])
        left -= min(4, left)
        while left > 0:
            n = min(left, len(block) - off)
            f.write(block[off:off + n])
            left -= n
            off = 0
    total += size
print("created %d files, %.2f GiB" % (count, total / (1 << 30)))
PY

echo "== warming the page cache"
find "$WORK/share" -type f -print0 | xargs -0 cat > /dev/null

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

echo "== sha256sum, $CORES processes"
t0=$(now)
find "$WORK/share" -type f -print0 | xargs -0 -n 256 -P "$CORES" sha256sum > "$WORK/sha256.txt"
t1=$(now)
SHA_S=$(calc "$t1 - $t0")

echo "== sha256sum, 1 process"
t0=$(now)
find "$WORK/share" -type f -print0 | xargs -0 sha256sum > /dev/null
t1=$(now)
SHA1_S=$(calc "$t1 - $t0")

OPENSSL_S=""
if command -v openssl > /dev/null; then
    # coreutils' sha256sum has no SHA-NI path; OpenSSL (like the JDK) has: the fairer hashing baseline.
    echo "== openssl dgst -sha256, $CORES processes"
    t0=$(now)
    find "$WORK/share" -type f -print0 | xargs -0 -n 256 -P "$CORES" openssl dgst -sha256 > /dev/null
    t1=$(now)
    OPENSSL_S=$(calc "$t1 - $t0")
fi

echo "== servent indexer (whole process: JVM start, SQLite, index, then a no-change rescan)"
cat > "$WORK/logback.xml" <<'XML'
<configuration><root level="WARN"/></configuration>
XML
t0=$(now)
OUT=$("$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$WORK/logback.xml" -Xmx1g \
    -cp "$CP" io.servent.apps.files.FilesHashingBench "$WORK/share" "$WORK/data" "$CORES" 2>/dev/null)
t1=$(now)
SERVENT_S=$(calc "$t1 - $t0")
echo "$OUT"
SCAN_S=$(echo "$OUT" | sed -n 's/.* scan_s=\([0-9.]*\).*/\1/p')
RESCAN_S=$(echo "$OUT" | sed -n 's/.*rescan_s=\([0-9.]*\).*/\1/p')

BYTES=$(echo "$OUT" | sed -n 's/.* bytes=\([0-9]*\).*/\1/p')
MB=$(calc "$BYTES / 1000000")
printf '\n%-44s %8s %10s\n' "run" "seconds" "MB/s"
printf '%-44s %8.2f %10.0f\n' "sha256sum ($CORES processes)" "$SHA_S" "$(calc "$MB / $SHA_S")"
printf '%-44s %8.2f %10.0f\n' "sha256sum (1 process)" "$SHA1_S" "$(calc "$MB / $SHA1_S")"
[[ -n "$OPENSSL_S" ]] && printf '%-44s %8.2f %10.0f\n' "openssl dgst -sha256 ($CORES processes)" "$OPENSSL_S" "$(calc "$MB / $OPENSSL_S")"
printf '%-44s %8.2f %10.0f\n' "servent index, whole process ($CORES threads)" "$SERVENT_S" "$(calc "$MB / $SERVENT_S")"
printf '%-44s %8.2f %10.0f\n' "servent index, scan only" "$SCAN_S" "$(calc "$MB / $SCAN_S")"
printf '%-44s %8.2f\n' "servent rescan, nothing changed" "$RESCAN_S"
printf '\nratio servent (whole process) / sha256sum (%s processes): %.2f\n' "$CORES" "$(calc "$SERVENT_S / $SHA_S")"
printf 'ratio servent (scan only)     / sha256sum (%s processes): %.2f\n' "$CORES" "$(calc "$SCAN_S / $SHA_S")"
[[ -n "$OPENSSL_S" ]] && printf 'ratio servent (whole process) / openssl   (%s processes): %.2f\n' "$CORES" "$(calc "$SERVENT_S / $OPENSSL_S")"
printf 'load average during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
