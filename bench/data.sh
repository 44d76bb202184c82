#!/usr/bin/env bash
# The data-heavy benchmark: 2,000 people x 104 weeks x 8 behaviours (generated),
# a named build with every page, chart and monthly report. Prints the time of
# each stage (load+validate = read+content+data, compute = metrics) and the
# peak memory of the whole build.
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-2000}" weeks="${2:-104}" behaviours="${3:-8}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/gen_data.py "$people" "$weeks" "$behaviours" "$work/site" --named
cargo build --release --quiet
for run in 1 2 3; do
  RITME_TIMINGS=1 /usr/bin/time -f "  peak memory %M KiB, wall %e s" \
    target/release/ritme build "$work/site" -o "$work/out" 2>&1 | grep -v "warning\|hint"
done
