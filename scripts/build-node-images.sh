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
tool_path() { # NAME: where the cached tool lives; the folder is named by the version it is built from
  local name="$1" dir="$ROOT/tools/$1"
  case "$name" in
    registry) echo "$CACHE/bin/registry-$(gomod_version "$dir" github.com/distribution/distribution/v3)/registry" ;;
    # scripts/build-image.sh builds the same tool into the same place
    oci-image) echo "$CACHE/image/oci-image-$(gomod_version "$dir" github.com/google/go-containerregistry)-$(cd "$ROOT" && find tools/oci-image -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)/oci-image" ;;
    pause) echo "$CACHE/bin/pause-$(hash_dir "$dir")/pause" ;;
    otelcol) echo "$CACHE/bin/otelcol-e2e-$(gomod_version "$dir-e2e" go.opentelemetry.io/collector/otelcol)-$(hash_dir "$dir-e2e")/otelcol" ;;
    telemetrygen) echo "$CACHE/bin/telemetrygen-$(gomod_version "$dir" github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen)/telemetrygen" ;;
    *) die "unknown tool '$name' (registry, oci-image, pause, otelcol, telemetrygen)" ;;
  esac
}

tool() {
  local name="$1" out
  out="$(tool_path "$name")"
  if [ ! -x "$out" ]; then
    case "$name" in
      otelcol) go_build "otelcol (e2e components)" "$ROOT/tools/otelcol-e2e" "$out" . \
        "-X main.version=$(gomod_version "$ROOT/tools/otelcol-e2e" go.opentelemetry.io/collector/otelcol | sed 's/^v//')" ;;
      telemetrygen) go_build telemetrygen "$ROOT/tools/telemetrygen" "$out" github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen ;;
      *) go_build "$name" "$ROOT/tools/$name" "$out" ;;
    esac
  fi
  echo "$name: $out"
}
tool_bin() { tool "$1" | tail -1 | sed 's/^[^:]*: //'; }

# ---- root filesystems -------------------------------------------------------------------------------------------
need_cmd() { # command package: Debian installs it when missing (CI starts as root)
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $2 for $1"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
  fi
  command -v "$1" >/dev/null 2>&1 || die "$1 is needed: install the Debian package $2"
}

# users every image knows: root, nobody, 1000 (upstream's agent images run as 1000), 10001 (the collector's),
# 65532 (distroless's nonroot, our operator's)
base_files() {
  mkdir -p "$1/etc" "$1/tmp" "$1/root" "$1/home/nonroot"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nuser:x:1000:1000:user:/home/user:/bin/sh\notel:x:10001:10001:otel:/:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\notel:x:10001:\nnonroot:x:65532:\n' > "$1/etc/group"
  printf 'hosts: files dns\n' > "$1/etc/nsswitch.conf"
  chmod 1777 "$1/tmp"
}

# Debian's busybox-static: /bin/busybox and a link per applet (sh, cp, sleep, wget, nc, ...)
busybox_into() {
  need_cmd busybox busybox-static
  local bb
  bb="$(readlink -f "$(command -v busybox)")"
  file_is_static "$bb" || die "$bb is not the static busybox: install the Debian package busybox-static"
  mkdir -p "$1/bin" "$1/usr/bin" "$1/sbin" "$1/usr/sbin"
  cp "$bb" "$1/bin/busybox"
  from "busybox-static $(deb_version busybox-static)"
  local applet
  for applet in $("$bb" --list-full); do
    [ -e "$1/$applet" ] || ln -s /bin/busybox "$1/$applet"
  done
  base_files "$1"
}
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
# what the build found, for the image's built-from record (images.ts reads these lines)
from() { echo "from: $*"; }
deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "(not from a Debian package)"; }

# copies a dynamically linked binary's libraries (and the loader) to the paths it looks them up at
libs_into() {
  local rfs="$1" bin="$2" lib
  ldd "$bin" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | while read -r lib; do
    mkdir -p "$rfs$(dirname "$lib")"
    cp "$(readlink -f "$lib")" "$rfs$lib"
  done
}

rootfs() {
  local recipe="$1" rfs="$2"
  mkdir -p "$rfs"
  [ -z "$(ls -A "$rfs")" ] || die "$rfs is not empty"
  case "$recipe" in
    pause)
      cp "$(tool_bin pause)" "$rfs/pause" ;;
    busybox)
      busybox_into "$rfs" ;;
    curl)
      need_cmd curl curl
      busybox_into "$rfs"
      cp "$(readlink -f "$(command -v curl)")" "$rfs/usr/bin/curl"
      from "curl $(deb_version curl)"
      libs_into "$rfs" "$(command -v curl)" ;;
    otelcol)
      base_files "$rfs"
      cp "$(tool_bin otelcol)" "$rfs/otelcol"
      ln -s otelcol "$rfs/otelcol-contrib"
      mkdir -p "$rfs/etc/otelcol"
      printf 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n      http:\n        endpoint: 0.0.0.0:4318\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n' > "$rfs/etc/otelcol/config.yaml"
      cp "$rfs/etc/otelcol/config.yaml" "$rfs/etc/otelcol-contrib-config.yaml" ;;
    telemetrygen)
      base_files "$rfs"
      cp "$(tool_bin telemetrygen)" "$rfs/telemetrygen" ;;
    java-agent)
      busybox_into "$rfs"
      cp "$(java_agent)" "$rfs/javaagent.jar" ;;
    nodejs-agent)
      busybox_into "$rfs"
      cp -R "$(nodejs_agent)" "$rfs/autoinstrumentation"
      from "@opentelemetry/sdk-node@$(node -p "require('$rfs/autoinstrumentation/node_modules/@opentelemetry/sdk-node/package.json').version")" ;;
    python-agent)
      busybox_into "$rfs"
      cp -R "$(python_agent)" "$rfs/autoinstrumentation"
      from "$(ls "$rfs/autoinstrumentation" | sed -n 's/^\(opentelemetry_sdk-[0-9.]*\)\.dist-info$/\1/p')" ;;
    java-app)
      busybox_into "$rfs"
      mkdir -p "$rfs/opt" && cp -R "$(java_runtime)" "$rfs/opt/java"
      libs_into "$rfs" "$rfs/opt/java/bin/java"
      for so in "$rfs"/opt/java/lib/*.so "$rfs"/opt/java/lib/server/*.so; do libs_into "$rfs" "$so" 2>/dev/null || true; done
      mkdir -p "$rfs/app"
      need_cmd javac openjdk-17-jdk-headless
      javac --release 17 -d "$rfs/app" "$ROOT/tools/node-apps/java/App.java"
      from "OpenJDK $(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')" ;;
    nodejs-app)
      busybox_into "$rfs"
      mkdir -p "$rfs/nodejs/bin" "$rfs/app"
      cp "$(readlink -f "$(command -v node)")" "$rfs/nodejs/bin/node"
      from "node $(node --version)"
      strip --strip-all "$rfs/nodejs/bin/node" 2>/dev/null || true
      libs_into "$rfs" "$(readlink -f "$(command -v node)")"
      cp "$ROOT/tools/node-apps/nodejs/index.js" "$rfs/app/index.js" ;;
    *) die "unknown recipe '$recipe'" ;;
  esac
  # modes do not depend on the umask of whoever builds; agents are readable by any user (upstream's chmod go+r)
  find "$rfs" -type d -exec chmod 0755 {} +
  find "$rfs" -type f -exec chmod go-w,a+r {} +
  [ -d "$rfs/tmp" ] && chmod 1777 "$rfs/tmp"
  return 0
}

# ---- artifacts from package registries (cached by version) --------------------------------------------------------
# the version a TypeScript default names, e.g. ts_default src/apis/instrumentation-defaults.ts autoinstrumentation-java
ts_default() { sed -n "s#.*$2:\([0-9A-Za-z.+-]*\)\`.*#\1#p" "$ROOT/$1" | head -1; }

java_agent() { # Maven Central, through maven's own client
  local ver out
  ver="$(ts_default src/apis/instrumentation-defaults.ts autoinstrumentation-java)"
  out="$CACHE/images/artifacts/opentelemetry-javaagent-$ver.jar"
  if [ ! -s "$out" ]; then
    need_cmd mvn maven
    log "downloading io.opentelemetry.javaagent:opentelemetry-javaagent:$ver from Maven Central"
    mkdir -p "$(dirname "$out")"
    mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="io.opentelemetry.javaagent:opentelemetry-javaagent:$ver" \
      -DoutputDirectory="$(dirname "$out")" -Dmdep.stripVersion=false >&2 \
      || die "maven could not fetch the Java agent $ver from Maven Central"
  fi
  echo "$out"
}

nodejs_agent() { # npm: tools/autoinstrumentation/nodejs/package.json pins the packages; its autoinstrumentation.js starts them
  local src="$ROOT/tools/autoinstrumentation/nodejs" out
  out="$CACHE/images/artifacts/nodejs-agent-$(hash_dir "$src")"
  if [ ! -d "$out" ]; then
    log "installing the Node.js agent packages from npm"
    rm -rf "$out.tmp" && mkdir -p "$out.tmp"
    cp "$src"/* "$out.tmp/"
    (cd "$out.tmp" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-package-lock --loglevel=error >&2) \
      || die "npm install of the Node.js agent failed"
    rm -f "$out.tmp/package-lock.json"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

python_agent() { # PyPI, pip install --target as upstream's Dockerfile
  local src="$ROOT/tools/autoinstrumentation/python" out
  out="$CACHE/images/artifacts/python-agent-$(hash_dir "$src")"
  if [ ! -d "$out" ]; then
    log "installing the Python agent packages from PyPI"
    local py=/usr/bin/python3
    [ -x "$py" ] || py="$(command -v python3)"
    rm -rf "$out.tmp" && mkdir -p "$out.tmp"
    "$py" -m pip install --quiet --no-compile --disable-pip-version-check --break-system-packages \
      --target "$out.tmp" -r "$src/requirements.txt" >&2 || die "pip install of the Python agent failed"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

java_runtime() { # a small JRE of this machine's OpenJDK (jlink: the modules an app and the Java agent load)
  need_cmd jlink openjdk-17-jdk-headless
  local out
  out="$CACHE/images/artifacts/jre-$(java -version 2>&1 | head -1 | tr -dc '0-9A-Za-z._-')"
  if [ ! -d "$out" ]; then
    log "linking a Java runtime (jlink)"
    rm -rf "$out.tmp"
    jlink --add-modules java.se,jdk.unsupported,jdk.management,jdk.httpserver,jdk.crypto.ec,jdk.zipfs,jdk.jfr,jdk.attach,jdk.naming.dns,jdk.net \
      --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out.tmp" >&2 || die "jlink failed"
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

case "${1:-}" in
  tool) [ $# -eq 2 ] || die "usage: $0 tool NAME"; tool "$2" ;;
  rootfs) [ $# -eq 3 ] || die "usage: $0 rootfs RECIPE DIR"; rootfs "$2" "$3" ;;
  *) die "usage: $0 tool NAME | rootfs RECIPE DIR" ;;
esac
