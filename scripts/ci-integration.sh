#!/usr/bin/env bash
# CI section for the integration tests (called by .ci/run after the unit tests):
#  1. build, or reuse from ${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}/bin/<k8s-version>, the control-plane
#     binaries (scripts/build-control-plane.sh; completely cold ~10 min on an idle 2-core machine, 23 min measured
#     under load, see docs/real-control-plane.md), and the test collector (scripts/build-otelcol.sh);
#  2. run `npm run test:integration` (real kube-apiserver + etcd, kcm, scheduler and kwok on 127.0.0.1);
#  3. fail if any control-plane process of the tests is still running afterwards.
# Exits non-zero on any failure. Time limits keep it well inside CI's 90 minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD_TIMEOUT="${CI_INTEGRATION_BUILD_TIMEOUT:-45m}"
TEST_TIMEOUT="${CI_INTEGRATION_TEST_TIMEOUT:-20m}"

echo "== integration: control-plane binaries (timeout $BUILD_TIMEOUT)"
start=$SECONDS
out="$(timeout --kill-after=30s "$BUILD_TIMEOUT" bash scripts/build-control-plane.sh)" || {
  rc=$?; echo "integration: building the control-plane binaries failed (exit $rc)" >&2; exit "$rc"; }
echo "$out"
# The real OpenTelemetry Collector that polls our target allocator in otelcol-allocator.integ.test.ts.
out="$(timeout --kill-after=30s "$BUILD_TIMEOUT" bash scripts/build-otelcol.sh)" || {
  rc=$?; echo "integration: building the test collector failed (exit $rc)" >&2; exit "$rc"; }
echo "$out"
# The operator image; its inputs (oci-image tool, compiled package, production node_modules) are cached by
# version/hash. image.integ.test.ts builds it once more and compares with this build (IMAGE_FIRST_BUILD).
IMAGE_FIRST_BUILD="${TMPDIR:-/tmp}/cdk8s-otel-ci-image-$$.tar"
out="$(timeout --kill-after=30s "$BUILD_TIMEOUT" bash scripts/build-image.sh "$IMAGE_FIRST_BUILD")" || {
  rc=$?; echo "integration: building the operator image failed (exit $rc)" >&2; exit "$rc"; }
echo "$out"
export IMAGE_FIRST_BUILD IMAGE_FIRST_DIGEST="$(sed -n 's/^digest: //p' <<<"$out")"
trap 'rm -f "$IMAGE_FIRST_BUILD"' EXIT
echo "== integration: binaries ready after $((SECONDS - start)) s"

[ -d node_modules ] || npm ci --no-audit --no-fund

echo "== integration: npm run test:integration (timeout $TEST_TIMEOUT)"
rc=0
mkdir -p .cache
rm -f .cache/jest-integration.json
timeout --kill-after=30s "$TEST_TIMEOUT" npm run test:integration -- --json --outputFile=.cache/jest-integration.json || rc=$?
# one plain closing line ("integration: N passed, M failed, K skipped"); fails when no test ran
node scripts/jest-summary.js .cache/jest-integration.json integration || [ "$rc" -ne 0 ] || rc=1

# The harness must leave nothing behind. Only processes running from a harness temp folder are considered.
leftovers=""
for pid in $(pgrep -f -- '--data-dir=/dev/shm/cdk8s-otel-etcd-|/cdk8s-otel-cp-|/cdk8s-otel-otelcol-' || true); do
  [ "$pid" = "$$" ] && continue
  leftovers+=" $pid"
done
if [ -n "$leftovers" ]; then
  echo "integration: control-plane processes left behind by the tests:" >&2
  ps -o pid,pgid,args -p "$(echo $leftovers | tr " " ",")" >&2 || true
  kill -KILL $leftovers 2>/dev/null || true
  [ "$rc" -ne 0 ] || rc=1
fi
if [ "$rc" -ne 0 ]; then echo "integration: FAILED (exit $rc)" >&2; exit "$rc"; fi
echo "== integration: passed in $((SECONDS - start)) s"
