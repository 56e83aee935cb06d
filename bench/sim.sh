#!/usr/bin/env bash
# The simulator's scenarios from bench/: runs bin/sim (see sim/README.md) and prints the rows for
# RESULTS.md's "Simulator" section. Default: all scenarios. Not part of bench/run.sh (it takes long).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
if [ $# -eq 0 ]; then
  set -- all
fi
exec "$root/bin/sim" --markdown "$@"
