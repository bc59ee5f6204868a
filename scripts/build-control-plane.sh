#!/usr/bin/env bash
# Builds the binaries of a real Kubernetes control plane for tests, from source, through the Go module proxy:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (k8s version pinned in tools/k8s/go.mod),
#   etcd (tools/etcd), kwok (tools/kwok), chainsaw (tools/chainsaw);
#   the real node's kubelet and kube-proxy (same k8s version) and its cluster DNS, coredns (tools/coredns), only when
#   named: they are not in the default list
# into ${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}/bin/<k8s-version>/. Binaries already there are kept.
# If KUBEBUILDER_ASSETS points at a folder holding kube-apiserver, etcd and kubectl, those are used and not built.
#
# Usage: scripts/build-control-plane.sh [NAME ...]     (default: all but kubelet, kube-proxy and coredns)
#   CONTROL_PLANE_BINARIES="etcd kube-apiserver"       same as naming them
#   BUILD_NICE=10                                       niceness of the go builds
# Prints the folder on the last line of stdout ("bin-dir: <path>"). See docs/real-control-plane.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tools"
DEFAULT=(etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kwok chainsaw)
ALL=("${DEFAULT[@]}" kubelet kube-proxy coredns)

log() { printf '[build-control-plane] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

K8S_VERSION="$(sed -n 's#^[[:space:]]*\(require[[:space:]]\{1,\}\)\{0,1\}k8s.io/kubernetes \(v[0-9.]*\).*#\2#p' "$TOOLS/k8s/go.mod" | head -1)"
[ -n "$K8S_VERSION" ] || die "cannot read the Kubernetes version from tools/k8s/go.mod"
CACHE="${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}"
BIN="$CACHE/bin/$K8S_VERSION"
mkdir -p "$BIN"

# Static binaries, no toolchain download, no VCS stamping, go.mod/go.sum used as committed.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false -mod=readonly"
NICE=(nice -n "${BUILD_NICE:-10}")

# One build at a time per cache folder (CI and a developer may share it).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BIN/.lock"
  flock 9
fi

# ---- what to build ---------------------------------------------------------------------------------------
if [ "$#" -gt 0 ]; then WANT=("$@"); elif [ -n "${CONTROL_PLANE_BINARIES:-}" ]; then read -r -a WANT <<<"$CONTROL_PLANE_BINARIES"; else WANT=("${DEFAULT[@]}"); fi
for w in "${WANT[@]}"; do
  case " ${ALL[*]} " in *" $w "*) ;; *) die "unknown binary '$w' (known: ${ALL[*]})" ;; esac
done

from_assets() { # name -> 0 if KUBEBUILDER_ASSETS provides it
  [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/$1" ] &&
    [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ] && [ -x "$KUBEBUILDER_ASSETS/kubectl" ]
}

works() { # path -> 0 if the binary runs and reports a version
  local out
  case "$(basename "$1")" in
    etcd) out="$("$1" --version 2>/dev/null)" ;;
    kwok|chainsaw) out="$("$1" --version 2>/dev/null || "$1" version 2>/dev/null)" ;;
    coredns) out="$("$1" -version 2>/dev/null)" ;;
    kubectl) out="$("$1" version --client 2>/dev/null)"; [[ "$out" == *"$K8S_VERSION"* ]] || return 1 ;;
    *) out="$("$1" --version 2>/dev/null)"; [[ "$out" == *"$K8S_VERSION"* ]] || return 1 ;;
  esac
  [ -n "$out" ]
}

human() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

# ---- toolchain (checked only when something has to be built) -------------------------------------------
GO_CHECKED=""
need_go() {
  [ -n "$GO_CHECKED" ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    die "the Go toolchain (go >= 1.26) is needed to build $1 but 'go' is not on PATH.
  Install Go 1.26 or newer (Debian/Ubuntu: a golang package of version >= 1.26, or a Go release unpacked into
  /usr/local/go with /usr/local/go/bin on PATH), then run this script again. Alternatively set KUBEBUILDER_ASSETS
  to a folder that already holds etcd, kube-apiserver and kubectl (the envtest layout)."
  fi
  local v; v="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  case "$v" in
    1.2[6-9]*|1.[3-9][0-9]*|[2-9].*) ;;
    *) die "Go >= 1.26 is required to build Kubernetes $K8S_VERSION (found go $v). Install a newer Go." ;;
  esac
  GO_CHECKED=1
}

SUMMARY=()
# build NAME TOOLDIR PACKAGE [LDFLAGS]
build() {
  local name="$1" dir="$2" pkg="$3" ldflags="${4:--s -w}"
  local out="$BIN/$name"
  if [ -x "$out" ] && works "$out"; then
    SUMMARY+=("$(printf '%-24s %10s  %8s  %s' "$name" "$(human "$(stat -c %s "$out")")" "cached" "$out")")
    return 0
  fi
  need_go "$name"
  # Build in a temp copy of the wrapper module so nothing is written into the repo.
  local work; work="$(mktemp -d)"
  cp "$TOOLS/$dir/go.mod" "$TOOLS/$dir/go.sum" "$work/"
  log "building $name ($pkg) ..."
  local start=$SECONDS
  if ! (cd "$work" && "${NICE[@]}" go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg"); then
    rm -rf "$work" "$out.tmp"
    die "building $name failed (see the go output above)"
  fi
  rm -rf "$work"
  mv -f "$out.tmp" "$out"
  local took=$((SECONDS - start)) size; size="$(stat -c %s "$out")"
  log "built $name in ${took}s, $(human "$size")"
  SUMMARY+=("$(printf '%-24s %10s  %7ss  %s' "$name" "$(human "$size")" "$took" "$out")")
}

V="$K8S_VERSION"; MINOR="$(echo "$V" | cut -d. -f2)"
P=k8s.io/component-base/version; C=k8s.io/client-go/pkg/version
K8S_LDFLAGS="-s -w -X $P.gitVersion=$V -X $P.gitMajor=1 -X $P.gitMinor=$MINOR -X $P.gitTreeState=clean \
 -X $P.buildDate=2026-01-01T00:00:00Z -X $C.gitVersion=$V -X $C.gitMajor=1 -X $C.gitMinor=$MINOR"

TOTAL_START=$SECONDS
for name in "${WANT[@]}"; do
  if from_assets "$name"; then
    SUMMARY+=("$(printf '%-24s %10s  %8s  %s' "$name" "" "assets" "$KUBEBUILDER_ASSETS/$name")")
    continue
  fi
  case "$name" in
    etcd) build etcd etcd go.etcd.io/etcd/server/v3 ;;
    kwok) build kwok kwok sigs.k8s.io/kwok/cmd/kwok ;;
    chainsaw) build chainsaw chainsaw github.com/kyverno/chainsaw ;;
    coredns) build coredns coredns github.com/coredns/coredns ;;
    *) build "$name" k8s "k8s.io/kubernetes/cmd/$name" "$K8S_LDFLAGS" ;;
  esac
done

log "Kubernetes $K8S_VERSION control-plane binaries (total $((SECONDS - TOTAL_START))s):"
printf '  %s\n' "${SUMMARY[@]}" >&2
echo "bin-dir: $BIN"
