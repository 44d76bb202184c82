#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# A crash leaves its input in fuzz/artifacts/TARGET/; turn it into a
# regression test in the normal suite before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
targets=$(cargo +nightly fuzz list)
for t in $targets; do
  echo "== $t (${seconds}s)"
  cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048
done
echo "all fuzz targets ran ${seconds}s without a crash"
