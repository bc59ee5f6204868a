#!/usr/bin/env bash
# `npm run test:real-node`: the tests only a real node can run (test/real-node, docs/real-node.md).
#  1. checks that this machine can run the node (root, Linux, containerd, runc, the CNI plugins, iproute2,
#     iptables, util-linux's nsenter/unshare, a network namespace); if not, prints the reason on ONE line
#     ("real-node: cannot run: ...") and exits 3;
#  2. builds, or reuses from ${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}, the control plane, kubelet, kube-proxy
#     and CoreDNS (scripts/build-control-plane.sh); the images are built by the tests' harness (ensureImages);
#  3. runs jest (jest.real-node.config.js) and prints one plain count line ("real-node: N passed, M failed, K skipped").
# Extra arguments go to jest.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cannot() { echo "real-node: cannot run: $*"; exit 3; }

[ "$(uname -s)" = Linux ] || cannot "needs Linux (network namespaces, cgroups), found $(uname -s)"
[ "$(id -u)" = 0 ] || cannot "needs root (network namespace, veth, mounts, containerd)"
for t in containerd:containerd ctr:containerd runc:runc podman:podman ip:iproute2 iptables:iptables nsenter:util-linux unshare:util-linux; do
  command -v "${t%%:*}" >/dev/null 2>&1 || cannot "'${t%%:*}' is missing (apt-get install ${t#*:})"
done
for p in bridge host-local portmap loopback; do
  [ -x "/usr/lib/cni/$p" ] || cannot "the CNI plugin /usr/lib/cni/$p is missing (apt-get install containernetworking-plugins)"
done
unshare --net true 2>/dev/null || cannot "cannot create a network namespace here (unshare --net failed: no CAP_SYS_ADMIN?)"
[ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || cannot "no cgroup hierarchy under /sys/fs/cgroup"

out="$(bash scripts/build-control-plane.sh etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy coredns 2>&1)" || {
  printf '%s\n' "$out" | tail -20 >&2
  cannot "building the control plane, kubelet, kube-proxy or coredns failed (see above)"
}
printf '%s\n' "$out" | grep -E '^\s+(kubelet|kube-proxy|coredns) ' >&2 || true

mkdir -p .cache
rm -f .cache/jest-real-node.json
rc=0
npx jest --config jest.real-node.config.js --runInBand --json --outputFile=.cache/jest-real-node.json "$@" || rc=$?
node scripts/jest-summary.js .cache/jest-real-node.json real-node || [ "$rc" -ne 0 ] || rc=1
exit "$rc"
