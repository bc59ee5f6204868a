#!/usr/bin/env bash
# Builds a minimal OpenTelemetry Collector (contrib prometheus receiver + debug and file exporters) from
# tools/otelcol (a hand-written equivalent of what ocb generates) through the Go module proxy, into
#   ${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}/bin/otelcol-<version>/otelcol
# where <version> is the prometheusreceiver version pinned in tools/otelcol/go.mod. A binary already there that
# runs and reports that version is kept. test/integration/otelcol-allocator.integ.test.ts runs it against our
# target allocator.
#
# Usage: scripts/build-otelcol.sh        BUILD_NICE=10 sets the niceness of the go build.
# Prints the binary on the last line of stdout ("otelcol: <path>"). See docs/target-allocator.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOD="$ROOT/tools/otelcol"

log() { printf '[build-otelcol] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The receiver's version names the binary: it decides which target-allocator client we test against.
VERSION="$(sed -n 's#^[[:space:]]*github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver v\([0-9.]*\).*#\1#p' "$MOD/go.mod" | head -1)"
[ -n "$VERSION" ] || die "cannot read the prometheusreceiver version from tools/otelcol/go.mod"
CACHE="${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}"
BIN="$CACHE/bin/otelcol-$VERSION"
OUT="$BIN/otelcol"
mkdir -p "$BIN"

# One build at a time per cache folder (CI and a developer may share it).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BIN/.lock"
  flock 9
fi

human() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

if [ -x "$OUT" ] && [[ "$("$OUT" --version 2>/dev/null)" == *"$VERSION"* ]]; then
  log "otelcol $VERSION cached ($(human "$(stat -c %s "$OUT")"))"
  echo "otelcol: $OUT"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  die "the Go toolchain (go >= 1.25) is needed to build the test collector but 'go' is not on PATH.
  Install Go 1.25 or newer (a Go release unpacked into /usr/local/go with /usr/local/go/bin on PATH, or a distro
  golang package of version >= 1.25), then run this script again."
fi
GOV="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
case "$GOV" in
  1.2[5-9]*|1.[3-9][0-9]*|[2-9].*) ;;
  *) die "Go >= 1.25 is required to build otelcol $VERSION (tools/otelcol/go.mod says go 1.25.7; found go $GOV)." ;;
esac

# Static binary, no toolchain download, no VCS stamping. -mod=mod lets go fill in a go.sum entry that the
# committed one might lack; it writes only into the temp copy, never into the repo.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false -mod=mod"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK" "$OUT.tmp"' EXIT
cp "$MOD/go.mod" "$MOD/go.sum" "$MOD/main.go" "$WORK/"

log "building otelcol $VERSION (prometheusreceiver, debugexporter, fileexporter) ..."
start=$SECONDS
if ! (cd "$WORK" && nice -n "${BUILD_NICE:-10}" go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$OUT.tmp" .); then
  die "building otelcol failed (see the go output above)"
fi
mv -f "$OUT.tmp" "$OUT"
took=$((SECONDS - start))
log "built otelcol $VERSION in ${took}s, $(human "$(stat -c %s "$OUT")")"
echo "otelcol: $OUT"
