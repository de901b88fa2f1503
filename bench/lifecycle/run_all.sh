#!/usr/bin/env bash
# Runs the three lifecycle benchmarks of issue 3, point 11, one after another, with the knobs of
# each taken from the environment (see bench/README.md, "Lifecycle"). Each writes its section to
# OUT_DIR/lifecycle_<name>.md and rebuilds OUT_DIR/lifecycle.md; this exits non-zero if any of
# them did, after running all three.
#
# Usage: [OUT_DIR=bench/results] bench/lifecycle/run_all.sh
# Smoke: SWAPS=3 ROUNDS=1 DURATION=3 CYCLES=20 BIG_CYCLES=12 EVERY=5 OUT_DIR=/tmp/lc bench/lifecycle/run_all.sh
set -uo pipefail
dir=$(dirname "${BASH_SOURCE[0]}")
rc=0
for bench in version_swaps load_interference load_cycles; do
  echo "run_all: $bench" >&2
  "$dir/$bench.sh" || { echo "run_all: $bench failed" >&2; rc=1; }
done
exit "$rc"
