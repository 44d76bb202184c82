#!/usr/bin/env bash
# The data-heavy benchmark: 2,000 people x 104 weeks x 8 behaviours (generated),
# a named build with every page, chart and monthly report. Prints the time of
# each stage (load+validate = read+content+data, compute = metrics) and the
# peak memory of three full builds (--no-cache: every page rendered), then
# the incremental cases: nothing changed, one story's text edited, and one
# rep's latest week zeroed (which changes figures on many pages).
set -euo pipefail
cd "$(dirname "$0")/.."
people="${1:-2000}" weeks="${2:-104}" behaviours="${3:-8}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/gen_data.py "$people" "$weeks" "$behaviours" "$work/site" --named
cargo build --release --quiet
ritme=target/release/ritme
build() {
  RITME_TIMINGS=1 /usr/bin/time -f "  peak memory %M KiB, wall %e s" \
    "$ritme" build "$work/site" -o "$work/out" "$@" 2>&1 | grep -v "^.: warning\|^  hint"
}
for run in 1 2 3; do
  echo "== full build $run"
  build --no-cache
done
echo "== nothing changed"
build
echo "== one story's text edited"
story="$(ls "$work"/site/stories/*.md | head -1)"
printf '\nOne more sentence about the behaviour.\n' >> "$story"
build
echo "== one rep's latest week edited (every count to 0)"
log="$(ls "$work"/site/data/logs/*.yaml | tail -1)"
sed -i '/^  p1:/,/^  p2:/s/: [1-9]$/: 0/' "$log"
build
"$ritme" build "$work/site" -o "$work/clean" --no-cache > /dev/null 2>&1
if diff -r -x .ritme-output "$work/out" "$work/clean" > /dev/null; then
  echo "incremental output is byte-identical to a clean build"
else
  echo "INCREMENTAL OUTPUT DIFFERS FROM A CLEAN BUILD" >&2
  exit 1
fi
