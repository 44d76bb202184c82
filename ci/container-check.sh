#!/bin/sh
# Tries the container recipe end to end, as a programme team would use it:
# builds the image from this checkout, lets the image itself create a
# content-only repository with `ritme new`, commits it, and then checks and
# builds it with the commands from the Dockerfile's header and the README.
# Needs a running Docker daemon (the test suite cannot assume one).
#
#   ci/container-check.sh [IMAGE_TAG]
set -eu

tag="${1:-ritme:check}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
user="$(id -u):$(id -g)"

fail() { echo "container-check: $*" >&2; exit 1; }

echo "== docker build -t $tag $repo"
docker build -q -t "$tag" "$repo" >/dev/null

run() { docker run --rm -u "$user" -v "$work:/site" "$tag" "$@"; }

echo "== ritme --version in the image"
run --version

for kind in empty example; do
  site="$work/$kind"
  if [ "$kind" = empty ]; then flags="--empty"; else flags="--lang en"; fi
  echo "== ritme new ($kind)"
  # shellcheck disable=SC2086 # the flags are words on purpose
  run new "/site/$kind" $flags
  git -C "$site" add -A
  git -C "$site" -c user.name=check -c user.email=check@example.invalid \
    commit --quiet --no-verify -m "Start the programme"

  # The example carries warnings on purpose (see the README), so only the
  # skeleton must pass --strict; both must pass the plain check.
  if [ "$kind" = empty ]; then
    docker run --rm -u "$user" -v "$site:/site" "$tag" check --strict /site
  else
    docker run --rm -u "$user" -v "$site:/site" "$tag" check /site >/dev/null
  fi

  echo "== build ($kind): the image's default command, then every audience"
  docker run --rm -u "$user" -v "$site:/site" "$tag"
  docker run --rm -u "$user" -v "$site:/site" "$tag" build /site --all-audiences
  [ -f "$site/public/index.html" ] || fail "$kind: no public/index.html"
  [ -f "$site/public/metrics.json" ] || fail "$kind: no public/metrics.json"
  if [ "$kind" = example ]; then
    ls -d "$site"/public-* >/dev/null 2>&1 || fail "example: no audience folders"
    # The pages' change dates come from git inside the container.
    grep -q 'datetime=' "$site/public/changes/index.html" ||
      fail "example: the change log has no dated entries"
  fi
  owner="$(stat -c %u "$site/public/index.html")"
  [ "$owner" = "$(id -u)" ] || fail "$kind: output owned by uid $owner, not $(id -u)"
  [ -z "$(git -C "$site" status --porcelain)" ] ||
    fail "$kind: the build left files that git would commit"
done

echo "container-check: the image builds, and builds new sites from a mount"
