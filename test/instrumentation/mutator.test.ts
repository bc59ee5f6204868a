import { effectiveAnnotationValue } from '../../src/common/annotations';
import { lookupFromObjects } from '../../src/instrumentation/lookup';
import { isAutoInstrumentationInjected, mutatePodInstrumentation } from '../../src/instrumentation/mutator';
import { serviceVersionFromImage } from '../../src/instrumentation/resource';
import { validateInstrumentation } from '../../src/instrumentation/validate';
import { container, deploymentPod, envMap, envNames, instrumentation, mutate, NS, P } from './support/fixtures';

const KEY = `${P}inject-java`;
const annotations = (v?: string): { [k: string]: string } => (v === undefined ? {} : { [KEY]: v });
const ns = (v?: string) => ({ metadata: { name: NS, annotations: annotations(v) } });
const pod = (v?: string) => ({ annotations: annotations(v) });

describe('effective annotation value (pod vs namespace)', () => {
  test.each([
    ['no namespace value: the pod value', undefined, 'false', 'false'],
    ['no pod value: the namespace value', 'true', undefined, 'true'],
    ['pod name wins over namespace true', 'true', 'my-inst', 'my-inst'],
    ['pod false wins over namespace name', 'ns-inst', 'false', 'false'],
    ['pod true under namespace false stays true', 'false', 'true', 'true'],
    ['pod true under namespace name takes the namespace value', 'ns-inst', 'true', 'ns-inst'],
  ])('%s', (_name, nsValue, podValue, expected) => {
    expect(effectiveAnnotationValue(ns(nsValue), pod(podValue), KEY)).toBe(expected);
  });
});

describe('pod mutation', () => {
  test('a disabled language (feature gate) leaves the pod unchanged and records InstrumentationRequestRejected', () => {
    const p = deploymentPod({ [`${P}inject-go`]: 'true' }, [container('app')]);
    const r = mutatePodInstrumentation(p, lookupFromObjects([instrumentation('go')], NS));
    expect(r.pod).toEqual(p);
    expect(r.events).toEqual([{ type: 'Warning', reason: 'InstrumentationRequestRejected', message: 'support for Go auto instrumentation is not enabled' }]);
  });

  test('a disabled language is skipped while the others proceed', () => {
    const p = deploymentPod({ [`${P}inject-go`]: 'true', [`${P}inject-java`]: 'true' }, [container('app')]);
    const r = mutatePodInstrumentation(p, lookupFromObjects([instrumentation('x')], NS));
    expect(envMap(r.pod.spec.containers[0]).JAVA_TOOL_OPTIONS).toBeDefined();
    expect(r.pod.spec.containers).toHaveLength(1);
  });

  test('missing annotation and "false" leave the pod unchanged', () => {
    for (const a of [annotations(), annotations('false'), annotations('FALSE')]) {
      const p = deploymentPod(a, [container('app')]);
      expect(mutate(p, [instrumentation('x')])).toMatchObject({ pod: p, error: undefined });
    }
  });

  test('"TRUE" is case-insensitive', () => {
    expect(mutate(deploymentPod({ [KEY]: 'TRUE' }, [container('app')]), [instrumentation('x')]).pod.spec.initContainers).toHaveLength(1);
  });

  test('a non-existing instance is an error naming the annotation; the pod is unchanged', () => {
    const p = deploymentPod({ [KEY]: 'nope' }, [container('app')]);
    const r = mutate(p, [instrumentation('x')]);
    expect(r.error).toMatch(/^instrumentation.opentelemetry.io\/inject-java: instrumentations.opentelemetry.io "nope" not found/);
    expect(r.pod).toEqual(p);
  });

  test('"true" with none or several Instrumentations in the namespace is an error', () => {
    const p = deploymentPod({ [KEY]: 'true' }, [container('app')]);
    expect(mutate(p, []).error).toContain('no OpenTelemetry Instrumentation instances available');
    expect(mutate(p, [instrumentation('a'), instrumentation('b')]).error)
      .toContain('multiple OpenTelemetry Instrumentation instances available, cannot determine which one to select (namespace shop has a, b');
  });

  test('dotnet injection, by namespace annotations', () => {
    const p = deploymentPod({}, [container('app')]);
    const nsObj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, annotations: { [`${P}inject-dotnet`]: 'true' } } };
    const r = mutate(p, [instrumentation('x'), nsObj]);
    expect(envMap(r.pod.spec.containers[0]).CORECLR_ENABLE_PROFILING).toBe('1');
  });

  test('an invalid container-names value aborts with an error', () => {
    const r = mutate(deploymentPod({ [KEY]: 'true', [`${P}container-names`]: 'a;b' }, [container('a')]), [instrumentation('x')]);
    expect(r.error).toContain('container-names: not valid characters included in the instrumentation container annotation a;b');
  });

  test('duplicates only count within one language; the same container in two languages is allowed', () => {
    const dup = deploymentPod({ [KEY]: 'true', [`${P}java-container-names`]: 'a,a' }, [container('a')]);
    expect(mutate(dup, [instrumentation('x')]).pod).toEqual(dup);
    const shared = mutate(deploymentPod({ [KEY]: 'true', [`${P}java-container-names`]: 'a', [`${P}inject-nodejs`]: 'true',
      [`${P}nodejs-container-names`]: 'a' }, [container('a')]), [instrumentation('x')]).pod;
    expect(shared.spec.initContainers!.map((i) => i.name)).toEqual(['opentelemetry-auto-instrumentation-java', 'opentelemetry-auto-instrumentation-nodejs']);
  });

  test('without multi-instrumentation, per-language names are ignored and only container-names counts', () => {
    const p = deploymentPod({ [KEY]: 'true', [`${P}java-container-names`]: 'b' }, [container('a'), container('b')]);
    const r = mutate(p, [instrumentation('x')], { enableMultiInstrumentation: false });
    expect(envMap(r.pod.spec.containers[0]).JAVA_TOOL_OPTIONS).toBeDefined();
    expect(r.pod.spec.containers[1]).toEqual(container('b'));
  });

  test('init containers get the CR initContainerSecurityContext, else the first target\'s', () => {
    const sc = { runAsNonRoot: true };
    const fromTarget = mutate(deploymentPod({ [KEY]: 'true' }, [container('a', { securityContext: sc })]), [instrumentation('x')]).pod;
    expect(fromTarget.spec.initContainers![0].securityContext).toEqual(sc);
    const fromCr = mutate(deploymentPod({ [KEY]: 'true' }, [container('a', { securityContext: sc })]),
      [instrumentation('x', { initContainerSecurityContext: { runAsUser: 1000 } })]).pod;
    expect(fromCr.spec.initContainers![0].securityContext).toEqual({ runAsUser: 1000 });
  });

  test('the injected init container carries the default image and resources', () => {
    const init = mutate(deploymentPod({ [KEY]: 'true' }, [container('a')]), [instrumentation('x', { imagePullPolicy: 'IfNotPresent' })]).pod.spec.initContainers![0];
    expect(init).toMatchObject({
      image: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0',
      resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
      imagePullPolicy: 'IfNotPresent',
    });
  });
});

describe('SDK env', () => {
  test('SDK env vars defined: user vars kept, attributes appended and moved last', () => {
    const c = mutate(deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('app', { env: [
      { name: 'OTEL_SERVICE_NAME', value: 'mine' }, { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'foo=bar,k8s.container.name=other' },
      { name: 'OTEL_PROPAGATORS', value: 'b3' }] })]), [instrumentation('x', { propagators: ['jaeger'] })]).pod.spec.containers[0];
    expect(envMap(c).OTEL_SERVICE_NAME).toBe('mine');
    expect(envMap(c).OTEL_PROPAGATORS).toBe('b3');
    expect(envNames(c)[envNames(c).length - 1]).toBe('OTEL_RESOURCE_ATTRIBUTES');
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).toMatch(/^foo=bar,k8s.container.name=other,k8s.deployment.name=app,/);
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES!.match(/k8s.container.name/g)).toHaveLength(1);
  });

  test('Resource attribute from CRD: the CR cannot override k8s.*, annotations override the CR', () => {
    const p = deploymentPod({ [`${P}inject-sdk`]: 'true', 'resource.opentelemetry.io/team': 'payments' }, [container('app')]);
    const c = mutate(p, [instrumentation('x', { resource: { resourceAttributes: { 'k8s.namespace.name': 'fake', team: 'cr', env: 'prod' } } })]).pod.spec.containers[0];
    const attrs = envMap(c).OTEL_RESOURCE_ATTRIBUTES!;
    expect(attrs).toContain('k8s.namespace.name=shop');
    expect(attrs).toContain('team=payments');
    expect(attrs).toContain('env=prod');
  });

  test('addK8sUIDAttributes adds uids from owners and the pod uid through the downward API', () => {
    const c = mutate(deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('app')]), [instrumentation('x', { resource: { addK8sUIDAttributes: true } })]).pod.spec.containers[0];
    expect(envNames(c)).toContain('OTEL_RESOURCE_ATTRIBUTES_POD_UID');
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.deployment.uid=dep-uid');
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID)');
  });

  test('SDK image with port number: no service.version', () => {
    const c = mutate(deploymentPod({ [`${P}inject-sdk`]: 'true' }, [container('app', { image: 'localhost:5000/app' })]), [instrumentation('x')]).pod.spec.containers[0];
    expect(envMap(c).OTEL_RESOURCE_ATTRIBUTES).not.toContain('service.version');
  });
});

describe('service version from image', () => {
  test.each([
    ['nginx', ''],
    ['nginx:1.25', '1.25'],
    ['localhost:5000/app', ''],
    ['localhost:5000/app:v2', 'v2'],
    ['ghcr.io/o/app:main@sha256:' + 'a'.repeat(64), `main@sha256:${'a'.repeat(64)}`],
    ['ghcr.io/o/app@sha256:' + 'b'.repeat(64), `sha256:${'b'.repeat(64)}`],
    ['Upper/Case:1', ''],
  ])('%s → %s', (image, version) => {
    expect(serviceVersionFromImage(image)).toBe(version);
  });
});

describe('already instrumented', () => {
  test.each([
    ['a java init container', { initContainers: [{ name: 'opentelemetry-auto-instrumentation-java' }] }, true],
    ['the apache clone', { initContainers: [{ name: 'otel-agent-source-container-clone' }] }, true],
    ['the go sidecar', { containers: [{ name: 'app' }, { name: 'opentelemetry-auto-instrumentation' }] }, true],
    ['NODE_NAME in an app container', { containers: [{ name: 'app', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME' }] }] }, true],
    ['NODE_NAME only in otc-container', { containers: [{ name: 'app' }, { name: 'otc-container', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME' }] }] }, false],
  ])('%s', (_n, spec, expected) => {
    expect(isAutoInstrumentationInjected({ metadata: {}, spec: { containers: [{ name: 'app' }], ...spec } as never })).toBe(expected);
  });
});

describe('validating webhook', () => {
  const v = (sampler: { type?: string; argument?: string }, extra = {}) => validateInstrumentation(instrumentation('x', { sampler, ...extra }));
  test('ratio samplers take a number in [0,1]', () => {
    expect(v({ type: 'traceidratio', argument: '0.5' }).errors).toEqual([]);
    expect(v({ type: 'traceidratio', argument: 'abc' }).errors[0]).toContain("spec.sampler.argument: 'abc' is not a number between 0 and 1");
  });
  test('jaeger_remote takes endpoint, pollingIntervalMs and initialSamplingRate', () => {
    expect(v({ type: 'jaeger_remote', argument: 'endpoint=http://j:14250,pollingIntervalMs=5000,initialSamplingRate=0.25' }).errors).toEqual([]);
    expect(v({ type: 'jaeger_remote', argument: 'endpoint=' }).errors[0]).toContain('endpoint must not be empty');
    expect(v({ type: 'jaeger_remote', argument: 'pollingIntervalMs=fast' }).errors[0]).toContain('is not an integer');
    expect(v({ type: 'jaeger_remote', argument: 'initialSamplingRate=2' }).errors[0]).toContain('between 0 and 1');
  });
  test('unknown sampler, and volumeClaimTemplate with volumeLimitSize, are errors', () => {
    expect(v({ type: 'sometimes' }).errors[0]).toContain("unknown sampler type 'sometimes'");
    expect(v({ type: 'always_on' }, { java: { volumeClaimTemplate: { spec: {} }, volumeLimitSize: '1Gi' } }).errors[0])
      .toContain('spec.java: volumeClaimTemplate and volumeLimitSize cannot both be set');
  });
  test('warnings: empty sampler, TLS key without cert, http endpoint with TLS, deprecated volumeLimitSize', () => {
    const w = validateInstrumentation(instrumentation('x', { exporter: { endpoint: 'http://c:4317', tls: { key_file: 'k' } }, nodejs: { volumeLimitSize: '1Gi' } })).warnings;
    expect(w).toEqual(expect.arrayContaining(['sampler type not set', expect.stringContaining('key_file is set without cert_file'),
      expect.stringContaining('does not use https://'), expect.stringContaining('spec.nodejs.volumeLimitSize is deprecated')]));
  });
});
