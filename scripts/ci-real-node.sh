#!/usr/bin/env bash
# CI section for the real node (called by .ci/run after the e2e step): installs the Debian packages the node
# needs when they are missing, then runs `npm run test:real-node` with a time limit, and fails if any process,
# veth or mount of a node is left behind. When the node cannot come up on this machine, `test:real-node` says
# why on one line and exits 3: the step reports it and is skipped (issue 13: run when the node comes up). Any
# other failure, a failing test above all, fails CI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TIMEOUT="${CI_REAL_NODE_TIMEOUT:-35m}"
PACKAGES=(podman buildah runc containerd containernetworking-plugins iptables iproute2 busybox-static)

missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== real-node: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

start=$SECONDS
echo "== real-node: npm run test:real-node (timeout $TIMEOUT)"
rc=0
# the script itself, not npm run test:real-node: projen would turn its exit 3 ("cannot run here") into 1
timeout --kill-after=60s "$TIMEOUT" bash scripts/test-real-node.sh || rc=$?
if [ "$rc" -eq 3 ]; then
  echo "== real-node: skipped, the node cannot run on this machine (reason above)"
  exit 0
fi

# Nothing may be left: node processes (their command lines name a harness folder), veths, mounts.
leftovers=""
for pid in $(pgrep -f -- '/cdk8s-otel-cp-[^/ ]*/node/' || true); do
  [ "$pid" = "$$" ] || leftovers+=" $pid"
done
if [ -n "$leftovers" ]; then
  echo "real-node: processes left behind:" >&2
  ps -o pid,args -p "$(echo $leftovers | tr ' ' ',')" >&2 || true
  kill -KILL $leftovers 2>/dev/null || true
  [ "$rc" -ne 0 ] || rc=1
fi
if ip -o link show | grep -q ': cko'; then
  echo "real-node: veth interfaces left behind: $(ip -o link show | grep -o 'cko[a-z0-9]*' | tr '\n' ' ')" >&2
  [ "$rc" -ne 0 ] || rc=1
fi
if grep -q '/cdk8s-otel-cp-[^/ ]*/node' /proc/self/mountinfo; then
  echo "real-node: mounts left behind:" >&2
  grep -o '/[^ ]*/cdk8s-otel-cp-[^/ ]*/node[^ ]*' /proc/self/mountinfo | sort -u | head -20 >&2
  [ "$rc" -ne 0 ] || rc=1
fi
if [ "$rc" -ne 0 ]; then echo "real-node: FAILED (exit $rc) after $((SECONDS - start)) s" >&2; exit "$rc"; fi
echo "== real-node: passed in $((SECONDS - start)) s"
