#!/usr/bin/env bash
# The packed package, as a user gets it (issue 14 #4 and #6): `npm pack` (which builds lib/ through the prepare
# script), check what the tarball holds, install it into a temp consumer app with the latest cdk8s and
# constructs, compile the app with TypeScript 5.9 and with the registry's current TypeScript (moduleResolution
# nodenext, root import only), synthesize a chart, and run the bin. Prints the figures it measures.
# Usage: scripts/consumer-test.sh [--keep]  (--keep leaves the temp folder for a look)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-otel-consumer.XXXXXX")
if [ "${1:-}" != "--keep" ]; then trap 'rm -rf "$work"' EXIT; else echo "consumer-test: keeping $work"; fi
fail() { echo "consumer-test: FAIL: $*" >&2; exit 1; }
now() { date +%s%N; }
ms() { echo $(( ($(now) - $1) / 1000000 )); }

echo "=== npm pack (builds lib/ first)"
t=$(now)
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/cdk8s-otel-*.tgz)
echo "packed $(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(tar -tzf "$tarball" | wc -l) files in $(ms "$t") ms"

echo "=== what the package holds"
files=$(tar -tzf "$tarball")
for must in package/package.json package/README.md package/LICENSE package/bin/cdk8s-otel package/lib/src/index.js package/lib/imports/opentelemetry.io.js \
  package/lib/src/index.d.ts package/lib/src/cli/main.js; do
  grep -qx "$must" <<<"$files" || fail "the package lacks ${must#package/}"
done
# only what users run: no sources, tests, conformance runner, examples, scripts, Go tools, build info
if unwanted=$(grep -E '^package/(src|test|tools|scripts|examples|imports|bench|docs|projenrc|\.ci|\.projen)/|go\.(sum|mod)$|/conformance/|/e2e/|tsbuildinfo|\.test\.|^package/lib/examples/' <<<"$files"); then
  fail "the package holds files users do not run:"$'\n'"$unwanted"
fi
# built from an empty lib/: no outputs of sources that were moved or deleted since an earlier build
while read -r js; do
  [ -f "$repo/${js#package/lib/}" ] || fail "the package holds a stale output: its source ${js#package/lib/} does not exist"
done < <(grep '\.js$' <<<"$files" | grep '^package/lib/' | sed 's/\.js$/.ts/')
echo "ok: $(grep -c '\.js$' <<<"$files") .js, $(grep -c '\.d\.ts$' <<<"$files") .d.ts, nothing else but bin/, README, LICENSE, package.json"

latest=$(npm view typescript version)
echo "=== consumer app (TypeScript 5.9 and typescript@latest = $latest)"
app="$work/app"
mkdir -p "$app"
cd "$app"
cat > package.json <<'EOF'
{ "name": "consumer", "version": "0.0.0", "private": true, "type": "commonjs" }
EOF
t=$(now)
npm install --silent --no-audit --no-fund "$tarball" cdk8s@latest constructs@latest @types/node@20 \
  typescript@~5.9.0 "typescript-latest@npm:typescript@$latest" >/dev/null
echo "installed in $(ms "$t") ms: cdk8s $(node -p "require('cdk8s/package.json').version"), constructs $(node -p "require('constructs/package.json').version")"

cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "strict": true,
    "skipLibCheck": false, "types": ["node"], "outDir": "out", "rootDir": "."
  },
  "files": ["main.ts", "esm.mts"]
}
EOF
# Only the root import; the types that Instrumentation.inject() and the builders mention must come from it.
cat > main.ts <<'EOF'
import { App, Chart } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import {
  CollectorConfig, CollectorMode, Instrumentation, InstrumentationProps, InvalidInputError, Language, OtelCollector,
  renderYaml,
} from 'cdk8s-otel';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'observability', { namespace: 'observability' });
const config = CollectorConfig.builder()
  .addReceiver('otlp', { protocols: { grpc: {}, http: {} } })
  .addExporter('debug', {})
  .addPipeline('traces', { receivers: ['otlp'], exporters: ['debug'] })
  .build();
new OtelCollector(chart, 'gateway', { mode: CollectorMode.DEPLOYMENT, config });
const props: InstrumentationProps = {};
const instrumentation = new Instrumentation(chart, 'java', props);
const workload = new Deployment(chart, 'app', { containers: [{ image: 'registry.example.com/app:1.0', portNumber: 8080 }] });
const language: Language = Language.JAVA;
instrumentation.inject(workload, { language });
app.synth();

try {
  renderYaml('apiVersion: opentelemetry.io/v1beta1\nkind: Nope\nmetadata: {name: x}\n', 'check.yaml');
  throw new Error('renderYaml accepted an unknown kind');
} catch (e) {
  if (!(e instanceof InvalidInputError)) throw e;
}
EOF
# An ES module app: named imports of our CommonJS entry must work at run time too (cjs-module-lexer)
cat > esm.mts <<'EOF'
import { App, Chart } from 'cdk8s';
import { CollectorConfig, CollectorMode, Language, OtelCollector } from 'cdk8s-otel';

const app = new App({ outdir: 'dist-esm' });
const chart = new Chart(app, 'esm');
const config = CollectorConfig.fromYaml('receivers: {otlp: {protocols: {grpc: {}}}}\nexporters: {debug: {}}\n' +
  'service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}\n');
new OtelCollector(chart, 'esm', { mode: CollectorMode.DEPLOYMENT, config });
if (Language.JAVA !== 'java') throw new Error('Language.JAVA is not "java"');
app.synth();
EOF
# cdk8s-plus-28 is a dependency of ours; the consumer's own import of it resolves through the hoisted copy
for tsc in typescript typescript-latest; do
  version=$(node -p "require('$tsc/package.json').version")
  rm -rf out dist dist-esm
  t=$(now)
  node "node_modules/$tsc/bin/tsc" -p . || fail "TypeScript $version cannot compile a consumer of the package"
  echo "TypeScript $version: compiled in $(ms "$t") ms"
  t=$(now)
  node out/main.js || fail "the consumer app built with TypeScript $version fails to synth"
  synth=$(cat dist/*.yaml)
  for want in 'kind: Deployment' 'name: gateway-collector' 'kind: Instrumentation' 'opentelemetry-auto-instrumentation-java'; do
    grep -q "$want" <<<"$synth" || fail "the synthesized chart (TypeScript $version) lacks '$want'"
  done
  echo "TypeScript $version: synthesized $(grep -c '^kind:' <<<"$synth") objects in $(ms "$t") ms"
  node out/esm.mjs || fail "the ES module app built with TypeScript $version fails"
  grep -q 'name: esm-collector' dist-esm/*.yaml || fail "the ES module app (TypeScript $version) synthesized no esm-collector"
  echo "TypeScript $version: the ES module app synthesizes too"
done

echo "=== the bin"
cat > collector.yaml <<'EOF'
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: simple}
spec:
  config:
    receivers: {otlp: {protocols: {grpc: {}}}}
    exporters: {debug: {}}
    service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
EOF
t=$(now)
out=$(./node_modules/.bin/cdk8s-otel render -f collector.yaml) || fail "cdk8s-otel render exited $?"
took=$(ms "$t")
grep -q 'name: simple-collector' <<<"$out" || fail "cdk8s-otel render printed no simple-collector Deployment"
echo "cdk8s-otel render: $took ms"
set +e
./node_modules/.bin/cdk8s-otel render -f missing.yaml 2>/dev/null; rc=$?
set -e
[ "$rc" -eq 2 ] || fail "cdk8s-otel render of a missing file exited $rc, not 2"
./node_modules/.bin/cdk8s-otel --help | grep -q 'Exit codes' || fail "cdk8s-otel --help does not state the exit codes"
echo "consumer-test: ok"
