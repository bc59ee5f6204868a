/**
 * What the real node's images are (pure data and functions, no I/O): their names, what each is built from, its
 * runtime config and annotations, and the path containerd asks the local registry for. images.ts builds and
 * pushes them; scripts/build-node-images.sh lays out each recipe's root filesystem.
 *
 * The names repeat constants of other rooms (the collector's and the instrumentation defaults, the operator's
 * install) because devcluster may import only common; test/devcluster/real-node/image-specs.test.ts checks that
 * they agree.
 */
import { InvalidInputError } from '../../common/errors';

/** The annotation (and config label) holding {@link ImageSpec.builtFrom} plus what the build found. */
export const BUILT_FROM_ANNOTATION = 'io.cdk8s-otel.image.built-from';

/** The OCI image config's runtime part (what `oci-image build --config` reads). */
export interface ImageRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  User?: string;
  Env?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
}

export interface ImageSpec {
  /** short name: the cache folder, and what `ensureImages({ only })` matches */
  readonly id: string;
  /** how the root filesystem is made: a recipe of scripts/build-node-images.sh, or `operator` (scripts/build-image.sh) */
  readonly recipe: string;
  /** every name pods use for it (one image, pushed under each) */
  readonly names: readonly string[];
  /** the version it is built at (also the cache key) */
  readonly version: string;
  /** org.opencontainers.image.source: where what it runs comes from */
  readonly source: string;
  readonly description: string;
  /** the packages and versions it is made of; the build appends what it found (Debian versions, ...) */
  readonly builtFrom: string;
  readonly config: ImageRuntimeConfig;
}

const GHCR = 'ghcr.io/open-telemetry';
const OPERATOR_IMAGES = `${GHCR}/opentelemetry-operator`;
/** src/collector/spec.ts DEFAULT_COLLECTOR_IMAGE */
export const COLLECTOR_IMAGE = `${GHCR}/opentelemetry-collector-releases/opentelemetry-collector:0.158.0`;
/** src/apis/instrumentation-defaults.ts versions */
export const JAVA_AGENT_VERSION = '2.30.0';
export const NODEJS_AGENT_VERSION = '0.78.0';
export const PYTHON_AGENT_VERSION = '0.64b0';
/** src/install/objects.ts DEFAULT_OPERATOR_IMAGE (docker.io/library/cdk8s-otel once normalised) */
export const OPERATOR_IMAGE = 'cdk8s-otel:0.0.0';
/** tools/otelcol-e2e/go.mod's collector release, tools/telemetrygen/go.mod's telemetrygen */
const OTELCOL_VERSION = '0.159.0';
const TELEMETRYGEN_VERSION = '0.149.0';

/** The sandbox ("pause") image name containerd's `sandbox_image` must be set to. */
export const PAUSE_IMAGE_NAME = 'registry.k8s.io/pause:3.10';

const BUSYBOX_SHELL: ImageRuntimeConfig = { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] };
const AGENT: ImageRuntimeConfig = { ...BUSYBOX_SHELL, User: '1000:1000' };

/** Every image of the real node. */
export const IMAGE_SPECS: readonly ImageSpec[] = [
  {
    id: 'pause',
    recipe: 'pause',
    names: [PAUSE_IMAGE_NAME],
    version: '3.10',
    source: 'tools/pause',
    description: 'Pod sandbox: holds the namespaces and reaps orphans until SIGTERM',
    builtFrom: 'tools/pause (Go, static)',
    config: { Entrypoint: ['/pause'], User: '65535:65535' },
  },
  {
    id: 'busybox',
    recipe: 'busybox',
    names: ['mirror.gcr.io/library/busybox:latest', 'busybox:1.36', 'mirror.gcr.io/library/alpine:latest'],
    version: '1.35.0',
    source: 'https://packages.debian.org/bookworm/busybox-static',
    description: 'A shell for Jobs and test apps: Debian\'s static busybox and its applets (also serves alpine:latest, without apk)',
    builtFrom: 'Debian busybox-static',
    config: BUSYBOX_SHELL,
  },
  {
    id: 'curl',
    recipe: 'curl',
    names: ['mirror.gcr.io/alpine/curl:latest'],
    version: '7.88.1',
    source: 'https://packages.debian.org/bookworm/curl',
    description: 'busybox plus Debian\'s curl with the shared libraries it links (no entry point: e2e Jobs run /bin/sh -c)',
    builtFrom: 'Debian busybox-static, Debian curl and its libraries',
    config: { Cmd: ['curl', '--version'], Env: BUSYBOX_SHELL.Env },
  },
  {
    id: 'otelcol',
    recipe: 'otelcol',
    names: [
      COLLECTOR_IMAGE,
      `${GHCR}/opentelemetry-collector-releases/opentelemetry-collector:latest`,
      `${GHCR}/opentelemetry-collector-releases/opentelemetry-collector-contrib:latest`,
      `${GHCR}/opentelemetry-collector-releases/opentelemetry-collector-k8s:latest`,
      'otel/opentelemetry-collector-contrib:latest',
    ],
    version: OTELCOL_VERSION,
    source: 'https://github.com/open-telemetry/opentelemetry-collector-contrib',
    description: 'OpenTelemetry Collector with the components upstream\'s e2e configs use most (tools/otelcol-e2e)',
    builtFrom: `tools/otelcol-e2e: go.opentelemetry.io/collector ${OTELCOL_VERSION}, contrib v${OTELCOL_VERSION} (otlp, prometheus receivers; ` +
      'debug, otlp, otlphttp, prometheus, file, nop exporters; batch, memory_limiter, resource, attributes, transform, ' +
      'k8sattributes processors; health_check, bearertokenauth extensions)',
    config: {
      Entrypoint: ['/otelcol'],
      Cmd: ['--config', '/etc/otelcol/config.yaml'],
      User: '10001:10001',
      ExposedPorts: { '4317/tcp': {}, '4318/tcp': {} },
    },
  },
  {
    id: 'telemetrygen',
    recipe: 'telemetrygen',
    names: [
      `${GHCR}/opentelemetry-collector-contrib/telemetrygen:v0.124.1`,
      `${GHCR}/opentelemetry-collector-contrib/telemetrygen:v0.92.0`,
      `${GHCR}/opentelemetry-collector-contrib/telemetrygen:latest`,
    ],
    version: TELEMETRYGEN_VERSION,
    source: 'https://github.com/open-telemetry/opentelemetry-collector-contrib/tree/main/cmd/telemetrygen',
    description: 'telemetrygen at /telemetrygen (e2e Jobs run ./telemetrygen from /)',
    builtFrom: `github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen v${TELEMETRYGEN_VERSION} (the newest on the module proxy)`,
    config: { Entrypoint: ['/telemetrygen'], WorkingDir: '/', User: '10001:10001' },
  },
  {
    id: 'operator',
    recipe: 'operator',
    names: [OPERATOR_IMAGE],
    version: '0.0.0',
    source: 'scripts/build-image.sh',
    description: 'cdk8s-otel operator and target allocator',
    builtFrom: 'scripts/build-image.sh (this checkout compiled, production node_modules, this machine\'s node)',
    config: {},
  },
  {
    id: 'java-agent',
    recipe: 'java-agent',
    names: [`${OPERATOR_IMAGES}/autoinstrumentation-java:${JAVA_AGENT_VERSION}`],
    version: JAVA_AGENT_VERSION,
    source: 'https://repo1.maven.org/maven2/io/opentelemetry/javaagent/opentelemetry-javaagent/',
    description: 'OpenTelemetry Java agent at /javaagent.jar, busybox for the init container\'s cp',
    builtFrom: `Maven Central io.opentelemetry.javaagent:opentelemetry-javaagent:${JAVA_AGENT_VERSION}, Debian busybox-static`,
    config: AGENT,
  },
  {
    id: 'nodejs-agent',
    recipe: 'nodejs-agent',
    names: [`${OPERATOR_IMAGES}/autoinstrumentation-nodejs:${NODEJS_AGENT_VERSION}`],
    version: NODEJS_AGENT_VERSION,
    source: 'https://www.npmjs.com/package/@opentelemetry/auto-instrumentations-node',
    description: 'OpenTelemetry Node.js SDK and auto-instrumentations under /autoinstrumentation (autoinstrumentation.js)',
    builtFrom: `npm @opentelemetry/auto-instrumentations-node@${NODEJS_AGENT_VERSION} and the SDK (tools/autoinstrumentation/nodejs), Debian busybox-static`,
    config: AGENT,
  },
  {
    id: 'python-agent',
    recipe: 'python-agent',
    names: [`${OPERATOR_IMAGES}/autoinstrumentation-python:${PYTHON_AGENT_VERSION}`],
    version: PYTHON_AGENT_VERSION,
    source: 'https://pypi.org/project/opentelemetry-distro/',
    description: 'OpenTelemetry Python distro and instrumentations under /autoinstrumentation (pip install --target)',
    builtFrom: `PyPI opentelemetry-distro==${PYTHON_AGENT_VERSION} and instrumentations (tools/autoinstrumentation/python), Debian busybox-static`,
    config: AGENT,
  },
  {
    id: 'java-app',
    recipe: 'java-app',
    names: [`${OPERATOR_IMAGES}/e2e-test-app-java:main`],
    version: '17',
    source: 'tools/node-apps/java/App.java',
    description: 'HTTP app on :8080 calling itself every 2 s, on a jlink runtime of this machine\'s OpenJDK',
    builtFrom: 'tools/node-apps/java/App.java (javac), OpenJDK 17 (jlink), Debian busybox-static',
    config: { Entrypoint: ['/opt/java/bin/java', '-cp', '/app', 'App'], Env: BUSYBOX_SHELL.Env, ExposedPorts: { '8080/tcp': {} } },
  },
  {
    id: 'nodejs-app',
    recipe: 'nodejs-app',
    names: [`${OPERATOR_IMAGES}/e2e-test-app-nodejs:main`],
    version: '20',
    source: 'tools/node-apps/nodejs/index.js',
    description: 'HTTP app on :3000 calling itself every 2 s, on this machine\'s Node.js',
    builtFrom: 'tools/node-apps/nodejs/index.js, this machine\'s node, Debian busybox-static',
    config: {
      Entrypoint: ['/nodejs/bin/node', '/app/index.js'],
      Env: ['PATH=/nodejs/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ExposedPorts: { '3000/tcp': {} },
    },
  },
];

/** A parsed image name: the registry host (docker.io for short names) and the path and tag under it. */
export interface ImageRef {
  host: string;
  repository: string;
  tag: string;
}

/**
 * Parses an image name as containerd does (docker's normalisation): a first component with a dot or a colon, or
 * `localhost`, is the host, else the host is docker.io, whose one-component names live under `library/`. The tag
 * defaults to `latest`; names by digest are refused (the local registry is filled by tag).
 */
export function parseImageName(name: string): ImageRef {
  const problem = (what: string) =>
    new InvalidInputError(`image ${name}`, 'name', what, 'name an image as [host/]path[:tag], e.g. ghcr.io/org/app:1.0');
  if (name.includes('@')) throw problem('a name by digest cannot be mirrored');
  if (!/^[a-z0-9][a-z0-9._/:-]*$/i.test(name) || name.endsWith('/') || name.includes('//')) {
    throw problem('this is not an image name');
  }
  let rest = name;
  let host = 'docker.io';
  const slash = name.indexOf('/');
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      host = first;
      rest = name.slice(slash + 1);
    }
  }
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : 'latest';
  let repository = colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest;
  if (!tag || !repository) throw problem('the path or the tag is empty');
  if (repository !== repository.toLowerCase()) throw problem('the path must be lower case');
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  if (host === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { host, repository, tag };
}

/**
 * The path:tag under which the local registry holds an image: the name without its host, since containerd asks a
 * mirror for the same repository path whatever host it mirrors (docker.io's busybox and mirror.gcr.io's
 * library/busybox are one image, which upstream's mirror is too).
 */
export function mirrorPath(name: string): string {
  const ref = parseImageName(name);
  return `${ref.repository}:${ref.tag}`;
}

/** The manifest annotations each image carries: where it comes from, its version, and what it was built from. */
export function imageAnnotations(spec: ImageSpec, builtFrom: string): Record<string, string> {
  return {
    'org.opencontainers.image.title': spec.id,
    'org.opencontainers.image.source': spec.source,
    'org.opencontainers.image.version': spec.version,
    'org.opencontainers.image.description': spec.description,
    [BUILT_FROM_ANNOTATION]: builtFrom,
  };
}

/** The image config for `oci-image build`: the spec's runtime config, with the annotations as labels too. */
export function imageConfig(spec: ImageSpec, builtFrom: string): ImageRuntimeConfig {
  return { ...spec.config, Labels: { ...spec.config.Labels, ...imageAnnotations(spec, builtFrom) } };
}

/** The specs `only` selects (by id or by one of the names); all when `only` is undefined. Unknown entries throw. */
export function selectSpecs(only?: readonly string[]): ImageSpec[] {
  if (!only) return [...IMAGE_SPECS];
  const picked = new Set<ImageSpec>();
  for (const want of only) {
    const spec = IMAGE_SPECS.find((s) => s.id === want || s.names.includes(want));
    if (!spec) {
      throw new InvalidInputError('ensureImages', `only: ${want}`, 'no such image',
        `use one of ${IMAGE_SPECS.map((s) => s.id).join(', ')} or one of their names`);
    }
    picked.add(spec);
  }
  return IMAGE_SPECS.filter((s) => picked.has(s));
}
