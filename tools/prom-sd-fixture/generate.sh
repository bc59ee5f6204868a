#!/usr/bin/env bash
# Regenerates fixture.json: starts a cluster without controllers (etcd + kube-apiserver, `cdk8s-otel dev-cluster`),
# builds and runs the generator against it (Prometheus's own discovery/kubernetes), stops the cluster.
# Usage: bash tools/prom-sd-fixture/generate.sh   (from anywhere; needs go and the cached control-plane binaries)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
cluster_pid=""
cleanup() {
  if [[ -n "$cluster_pid" ]] && kill -0 "$cluster_pid" 2>/dev/null; then
    kill -INT "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the generator (Prometheus $(grep 'github.com/prometheus/prometheus ' "$here/go.mod" | awk '{print $2}'))..." >&2
start=$(date +%s)
(cd "$here" && GOWORK=off GOFLAGS="-buildvcs=false -mod=readonly" nice -n "${BUILD_NICE:-10}" go build -trimpath -o "$work/prom-sd-fixture" .)
echo "built in $(( $(date +%s) - start )) s" >&2

node "$root/bin/cdk8s-otel" dev-cluster >"$work/cluster.log" 2>&1 &
cluster_pid=$!
for _ in $(seq 1 120); do
  kubeconfig="$(sed -n 's/^ *kubeconfig: *//p' "$work/cluster.log" | head -1)"
  [[ -n "$kubeconfig" ]] && break
  kill -0 "$cluster_pid" 2>/dev/null || { cat "$work/cluster.log" >&2; echo "the dev cluster did not start" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$kubeconfig" ]] || { cat "$work/cluster.log" >&2; echo "no kubeconfig after 60 s" >&2; exit 1; }

(cd "$here" && "$work/prom-sd-fixture" -kubeconfig "$kubeconfig" -objects objects.yaml -configs configs.yaml -out fixture.json)
echo "wrote $here/fixture.json" >&2
