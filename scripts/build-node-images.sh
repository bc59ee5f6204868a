#!/usr/bin/env bash
# Builds what the real node's images are made of, with no container daemon and no image registry to pull from:
# Go programs from the Go module proxy, Debian packages, Maven Central, npm and PyPI. Everything is cached under
# ${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel} and reused when present; one build at a time (flock).
# src/devcluster/real-node/images.ts drives it (ensureImages); docs/real-node.md has the images table.
#
# Usage: scripts/build-node-images.sh COMMAND [ARGS]
#   tool NAME            builds a Go tool (registry, oci-image, pause, otelcol, telemetrygen) and prints
#                        "NAME: <path>" on its last line
#   rootfs RECIPE DIR    lays out an image's root filesystem in DIR (an empty folder) from its recipe:
#                        pause, busybox, curl, otelcol, telemetrygen, java-agent, nodejs-agent, python-agent,
#                        java-app, nodejs-app
#   BUILD_NICE=10 sets the niceness of the builds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}"
log() { printf '[build-node-images] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
human() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
NICE="nice -n ${BUILD_NICE:-10}"

mkdir -p "$CACHE/images"
# One build at a time per cache folder (CI and a developer may share it).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/images/.lock"
  flock 9
fi

need_go() {
  command -v go >/dev/null 2>&1 || die "the Go toolchain (go >= 1.25) is needed to build $1: install Go 1.25 or newer and put it on PATH"
}

# go_build NAME MODULE_DIR OUT [PACKAGE] [LDFLAGS]: a static build of a tools/ module (or a package of a module it
# requires) into OUT, through the module proxy, writing nothing into the repository.
go_build() {
  local name="$1" dir="$2" out="$3" pkg="${4:-.}" ldflags="${5:-}"
  need_go "$name"
  mkdir -p "$(dirname "$out")"
  log "building $name (go build $pkg in tools/$(basename "$dir")) ..."
  local start=$SECONDS work
  work="$(mktemp -d)"
  cp "$dir"/go.mod "$dir"/go.sum "$work/"
  cp "$dir"/*.go "$work/" 2>/dev/null || true
  if ! (cd "$work" && GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false -mod=mod" \
    $NICE go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg"); then
    rm -rf "$work" "$out.tmp"
    die "building $name failed (see the go output above)"
  fi
  rm -rf "$work"
  mv -f "$out.tmp" "$out"
  log "built $name in $((SECONDS - start)) s, $(human "$(stat -c %s "$out")")"
}

# gomod_version MODULE_DIR MODULE: the version tools/<dir>/go.mod requires
gomod_version() {
  sed -n "s#^[[:space:]]*\(require \)\{0,1\}$2 \(v[0-9][0-9a-z.+-]*\).*#\2#p" "$1/go.mod" | head -1
}

hash_dir() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

# ---- Go tools ---------------------------------------------------------------------------------------------------
tool() {
  local name="$1" dir ver out
  case "$name" in
    registry)
      dir="$ROOT/tools/registry"
      ver="$(gomod_version "$dir" github.com/distribution/distribution/v3)"
      out="$CACHE/bin/registry-$ver/registry"
      [ -x "$out" ] || go_build "registry $ver" "$dir" "$out" ;;
    *) die "unknown tool '$name' (registry, oci-image, pause, otelcol, telemetrygen)" ;;
  esac
  echo "$name: $out"
}

case "${1:-}" in
  tool) [ $# -eq 2 ] || die "usage: $0 tool NAME"; tool "$2" ;;
  *) die "usage: $0 tool NAME | rootfs RECIPE DIR" ;;
esac
