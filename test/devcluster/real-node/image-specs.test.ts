import { DEFAULT_JAVA_IMAGE, DEFAULT_NODEJS_IMAGE, DEFAULT_PYTHON_IMAGE } from '../../../src/apis/instrumentation-defaults';
import { DEFAULT_COLLECTOR_IMAGE } from '../../../src/collector/spec';
import { InvalidInputError } from '../../../src/common/errors';
import {
  BUILT_FROM_ANNOTATION, COLLECTOR_IMAGE, IMAGE_SPECS, imageAnnotations, imageConfig, mirrorPath, parseImageName,
  PAUSE_IMAGE_NAME, selectSpecs,
} from '../../../src/devcluster/real-node/image-specs';
import { DEFAULT_OPERATOR_IMAGE } from '../../../src/install';

const allNames = IMAGE_SPECS.flatMap((s) => s.names);

describe('image names', () => {
  test('normalised as containerd does', () => {
    expect(parseImageName('busybox:1.36')).toEqual({ host: 'docker.io', repository: 'library/busybox', tag: '1.36' });
    expect(parseImageName('busybox')).toEqual({ host: 'docker.io', repository: 'library/busybox', tag: 'latest' });
    expect(parseImageName('otel/opentelemetry-collector-contrib')).toEqual({ host: 'docker.io', repository: 'otel/opentelemetry-collector-contrib', tag: 'latest' });
    expect(parseImageName('mirror.gcr.io/alpine/curl:latest')).toEqual({ host: 'mirror.gcr.io', repository: 'alpine/curl', tag: 'latest' });
    expect(parseImageName('127.0.0.1:5000/a/b:1')).toEqual({ host: '127.0.0.1:5000', repository: 'a/b', tag: '1' });
    expect(parseImageName('localhost/app')).toEqual({ host: 'localhost', repository: 'app', tag: 'latest' });
  });

  test('the mirrored path is the name without its host', () => {
    expect(mirrorPath('ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0'))
      .toBe('open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0');
    expect(mirrorPath('cdk8s-otel:0.0.0')).toBe('library/cdk8s-otel:0.0.0');
    expect(mirrorPath('mirror.gcr.io/library/busybox:latest')).toBe(mirrorPath('busybox'));
  });

  test('bad names are refused with the fix', () => {
    expect(() => parseImageName('busybox@sha256:abc')).toThrow(InvalidInputError);
    expect(() => parseImageName('ghcr.io/Org/App:1')).toThrow(/lower case/);
    expect(() => parseImageName('a b')).toThrow(/\[host\/\]path\[:tag\]/);
  });

  test('no two images claim one mirrored path', () => {
    const paths = allNames.map(mirrorPath);
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('the catalog', () => {
  test('agrees with the defaults of the other rooms', () => {
    expect(COLLECTOR_IMAGE).toBe(DEFAULT_COLLECTOR_IMAGE);
    for (const name of [DEFAULT_COLLECTOR_IMAGE, DEFAULT_JAVA_IMAGE, DEFAULT_NODEJS_IMAGE, DEFAULT_PYTHON_IMAGE, DEFAULT_OPERATOR_IMAGE, PAUSE_IMAGE_NAME]) {
      expect(allNames).toContain(name);
    }
  });

  test('covers the shell, curl, telemetrygen and test-app names upstream\'s e2e uses', () => {
    expect(allNames).toEqual(expect.arrayContaining([
      'mirror.gcr.io/library/busybox:latest', 'busybox:1.36', 'mirror.gcr.io/alpine/curl:latest',
      'ghcr.io/open-telemetry/opentelemetry-collector-contrib/telemetrygen:v0.124.1',
      'ghcr.io/open-telemetry/opentelemetry-operator/e2e-test-app-java:main',
      'ghcr.io/open-telemetry/opentelemetry-operator/e2e-test-app-nodejs:main',
    ]));
  });

  test('layouts the e2e manifests rely on', () => {
    const spec = (id: string) => IMAGE_SPECS.find((s) => s.id === id)!;
    // Jobs run `command: ["./telemetrygen"]` from the working directory
    expect(spec('telemetrygen').config).toMatchObject({ WorkingDir: '/', Entrypoint: ['/telemetrygen'] });
    // Jobs give only `args: [/bin/sh, -c, ...]`: an entry point would swallow them
    expect(spec('curl').config.Entrypoint).toBeUndefined();
    expect(spec('busybox').config.Entrypoint).toBeUndefined();
    // the operator gives the collector only args (--config=...)
    expect(spec('otelcol').config.Entrypoint).toEqual(['/otelcol']);
    expect(spec('pause').config.Entrypoint).toEqual(['/pause']);
    // the agents' init containers run cp as upstream's images' user
    for (const id of ['java-agent', 'nodejs-agent', 'python-agent']) expect(spec(id).config.User).toBe('1000:1000');
  });

  test('every image records its source, version, description and what it was built from', () => {
    for (const spec of IMAGE_SPECS) {
      const annotations = imageAnnotations(spec, `${spec.builtFrom}; extra`);
      expect(annotations).toMatchObject({
        'org.opencontainers.image.source': spec.source,
        'org.opencontainers.image.version': spec.version,
        'org.opencontainers.image.description': spec.description,
        [BUILT_FROM_ANNOTATION]: `${spec.builtFrom}; extra`,
      });
      for (const value of Object.values(annotations)) expect(value).not.toBe('');
      expect(imageConfig(spec, 'x').Labels).toMatchObject({ [BUILT_FROM_ANNOTATION]: 'x' });
    }
  });

  test('selects by id or name, and names an unknown one', () => {
    expect(selectSpecs(['pause', 'busybox:1.36']).map((s) => s.id)).toEqual(['pause', 'busybox']);
    expect(selectSpecs().length).toBe(IMAGE_SPECS.length);
    expect(() => selectSpecs(['nginx'])).toThrow(/only: nginx: no such image.*pause, busybox/);
  });
});
