#!/usr/bin/env bash
# Builds the operator image (`cdk8s-otel operator`, also `cdk8s-otel target-allocator`) as an OCI archive, with
# no container daemon and no base image to download:
#   1. the oci-image tool (tools/oci-image: go-containerregistry, through the Go module proxy), cached;
#   2. the compiled package (tsc), cached by a hash of the sources;
#   3. the production node_modules (npm ci --omit=dev), cached by a hash of package-lock.json, without what is
#      never loaded at run time (type declarations, source maps, TypeScript sources, docs);
#   4. the Node.js binary that runs this script, stripped, and the shared libraries it links (ldd);
#   5. a root filesystem: /nodejs/bin/node, /app (package.json, bin/, lib/, node_modules/), /etc/passwd and
#      /etc/group with the `nonroot` user 65532, /tmp; then one layer, every time stamp SOURCE_DATE_EPOCH,
#      owner root, entries sorted; config: user 65532:65532, entry point node /app/bin/cdk8s-otel, command
#      `operator`.
# Same inputs, same digest: run it twice and compare the printed digests (test/integration/image.integ.test.ts
# does). Caches live in ${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}/image/.
#
# Usage: scripts/build-image.sh [OUT.tar]   default dist/image/cdk8s-otel-<version>.oci.tar
#   SOURCE_DATE_EPOCH   time stamp of every file and of the image (default: the last commit's time, else 0)
#   IMAGE_REF           name recorded in the archive (default cdk8s-otel:<version>)
# Prints "digest: sha256:…", "archive: <path>" and "size: …" on the last lines of stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '[build-image] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v node >/dev/null 2>&1 || die "node is needed (it is copied into the image): install Node.js 20"
command -v npm >/dev/null 2>&1 || die "npm is needed for the production node_modules"
VERSION="$(node -p "require('$ROOT/package.json').version")"
OUT="${1:-$ROOT/dist/image/cdk8s-otel-$VERSION.oci.tar}"
REF="${IMAGE_REF:-cdk8s-otel:$VERSION}"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)"
fi
export SOURCE_DATE_EPOCH
CACHE="${CDK8S_OTEL_CACHE:-$HOME/.cache/cdk8s-otel}/image"
mkdir -p "$CACHE" "$(dirname "$OUT")"

# One build at a time per cache folder (CI and a developer may share it).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.lock"
  flock 9
fi

need_pkg() { # command package: install a Debian package when the command is missing (CI starts as root)
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $2 for $1"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
  fi
  command -v "$1" >/dev/null 2>&1 || die "$1 is needed: install the Debian package $2"
}
need_pkg strip binutils
need_pkg ldd libc-bin

hash_files() { (cd "$ROOT" && find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }

# ---- 1. the image tool ----------------------------------------------------------------------------------------
GGCR="$(sed -n 's#^require github.com/google/go-containerregistry \(v[0-9.]*\)#\1#p; s#^[[:space:]]*github.com/google/go-containerregistry \(v[0-9.]*\).*#\1#p' "$ROOT/tools/oci-image/go.mod" | head -1)"
[ -n "$GGCR" ] || die "cannot read the go-containerregistry version from tools/oci-image/go.mod"
TOOL="$CACHE/oci-image-$GGCR-$(hash_files tools/oci-image)/oci-image"
if [ ! -x "$TOOL" ]; then
  command -v go >/dev/null 2>&1 || die "go is needed once to build tools/oci-image (Go 1.25 or newer on PATH)"
  log "building the oci-image tool (go-containerregistry $GGCR)"
  mkdir -p "$(dirname "$TOOL")"
  (cd "$ROOT/tools/oci-image" && GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-buildvcs=false -mod=readonly" \
    nice -n "${BUILD_NICE:-10}" go build -trimpath -ldflags "-s -w" -o "$TOOL.tmp" . && mv "$TOOL.tmp" "$TOOL")
fi

# ---- 2. the compiled package -----------------------------------------------------------------------------------
LIB="$CACHE/lib-$(hash_files src imports tsconfig.json package-lock.json)"
if [ ! -d "$LIB" ]; then
  [ -x "$ROOT/node_modules/.bin/tsc" ] || die "run npm ci first (TypeScript compiles the package)"
  log "compiling the package"
  rm -rf "$LIB.tmp"
  # CommonJS as tsconfig.json says, without the declarations and inline source maps the image never reads
  (cd "$ROOT" && nice -n "${BUILD_NICE:-10}" node_modules/.bin/tsc -p tsconfig.json --outDir "$LIB.tmp" \
    --declaration false --inlineSourceMap false --inlineSources false --sourceMap false)
  rm -rf "$LIB.tmp/examples"
  mv "$LIB.tmp" "$LIB"
fi

# ---- 3. production node_modules ---------------------------------------------------------------------------------
MODS="$CACHE/node_modules-$(hash_files package-lock.json)"
if [ ! -d "$MODS" ]; then
  log "installing the production node_modules (npm ci --omit=dev)"
  rm -rf "$MODS.tmp" && mkdir -p "$MODS.tmp"
  cp "$ROOT/package.json" "$ROOT/package-lock.json" "$MODS.tmp/"
  (cd "$MODS.tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  # never loaded at run time
  find "$MODS.tmp/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
    -o -name '*.ts' -o -name '*.md' -o -name '*.markdown' \) -delete
  find "$MODS.tmp/node_modules" -depth -type d \( -name test -o -name tests -o -name __tests__ -o -name docs \) -exec rm -rf {} +
  mv "$MODS.tmp/node_modules" "$MODS.tmp/mods" && mv "$MODS.tmp/mods" "$MODS" && rm -rf "$MODS.tmp"
fi

# ---- 4.+5. the root filesystem ---------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-otel-image-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
RFS="$WORK/rootfs"
mkdir -p "$RFS/nodejs/bin" "$RFS/app/bin" "$RFS/etc" "$RFS/tmp"
NODE="$(readlink -f "$(command -v node)")"
cp "$NODE" "$RFS/nodejs/bin/node"
strip --strip-all "$RFS/nodejs/bin/node"
# the loader and every library node links, at the paths the loader looks them up
ldd "$NODE" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | while read -r lib; do
  real="$(readlink -f "$lib")"
  mkdir -p "$RFS$(dirname "$lib")"
  cp "$real" "$RFS$lib"
done
cp -R "$LIB" "$RFS/app/lib"
cp -R "$MODS" "$RFS/app/node_modules"
cp "$ROOT/bin/cdk8s-otel" "$RFS/app/bin/cdk8s-otel"
cp "$ROOT/LICENSE" "$RFS/app/LICENSE"
node -e '
  const p = require(process.argv[1]);
  const keep = { name: p.name, version: p.version, description: p.description, license: p.license, main: p.main, bin: p.bin, dependencies: p.dependencies };
  require("fs").writeFileSync(process.argv[2], JSON.stringify(keep, null, 2) + "\n");
' "$ROOT/package.json" "$RFS/app/package.json"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$RFS/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$RFS/etc/group"
mkdir -p "$RFS/home/nonroot"
# modes do not depend on the umask of whoever builds
find "$RFS" -type d -exec chmod 0755 {} +
find "$RFS" -type f -exec chmod go-w,a+r {} +
chmod 1777 "$RFS/tmp"
chmod 0755 "$RFS/nodejs/bin/node" "$RFS/app/bin/cdk8s-otel"

cat > "$WORK/config.json" <<JSON
{
  "User": "65532:65532",
  "Entrypoint": ["/nodejs/bin/node", "/app/bin/cdk8s-otel"],
  "Cmd": ["operator"],
  "WorkingDir": "/app",
  "Env": ["PATH=/nodejs/bin:/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production"],
  "ExposedPorts": {"8081/tcp": {}, "8443/tcp": {}, "9443/tcp": {}},
  "Labels": {
    "org.opencontainers.image.title": "cdk8s-otel",
    "org.opencontainers.image.description": "The OpenTelemetry Operator for Kubernetes: cdk8s-otel operator and target-allocator",
    "org.opencontainers.image.version": "$VERSION",
    "org.opencontainers.image.licenses": "Apache-2.0"
  }
}
JSON
DIGEST="$("$TOOL" build --rootfs "$RFS" --out "$OUT" --ref "$REF" --epoch "$SOURCE_DATE_EPOCH" --config "$WORK/config.json")"
UNPACKED="$(du -sb "$RFS" | cut -f1)"
log "node $(node --version) from $NODE; rootfs $(awk -v b="$UNPACKED" 'BEGIN{printf "%.1f MB", b/1e6}') unpacked"
echo "digest: $DIGEST"
echo "archive: $OUT"
echo "size: $(stat -c %s "$OUT") bytes ($(awk -v b="$(stat -c %s "$OUT")" 'BEGIN{printf "%.1f MB", b/1e6}')), unpacked $UNPACKED bytes"
