import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { InvalidInputError } from '../../src/common/errors';
import { CollectorConfig } from '../../src/constructs/collector/collector-config';
import { OtelCollector } from '../../src/constructs/collector/otel-collector';
import { CollectorMode } from '../../src/constructs/collector/props';
import { Instrumentation, Propagator, SamplerType } from '../../src/constructs/instrumentation';
import { Language } from '../../src/instrumentation/languages';
import { injectCollectorSidecar } from '../../src/constructs/sidecar-injection';
import { PLUS_WORKLOAD_KINDS, podTemplateOf, synthPlusWorkloads } from './support/plus-workloads';

type Json = { [k: string]: any };
const envOf = (c: Json) => Object.fromEntries((c.env ?? []).map((e: Json) => [e.name, e.value ?? e.valueFrom]));

/** A minimal collector config for sidecar-mode collectors. */
const config = CollectorConfig.fromYaml(`
receivers: { otlp: { protocols: { grpc: {} } } }
exporters: { debug: {} }
service: { pipelines: { traces: { receivers: [otlp], exporters: [debug] } } }
`);

function chart() {
  return new Chart(Testing.app(), 'test', { namespace: 'shop' });
}

describe('Instrumentation construct', () => {
  test('synthesizes the v1alpha1 CR from typed props', () => {
    const c = chart();
    new Instrumentation(c, 'inst', {
      name: 'java',
      exporter: { endpoint: 'http://collector:4318', tls: { secretName: 'certs', caFile: 'ca.crt' } },
      propagators: [Propagator.TRACECONTEXT, Propagator.BAGGAGE],
      sampler: { type: SamplerType.PARENT_BASED_TRACE_ID_RATIO, argument: '0.25' },
      resource: { resourceAttributes: { 'deployment.environment': 'prod' }, addK8sUidAttributes: true },
      defaults: { useLabelsForResourceAttributes: true },
      java: { env: [{ name: 'OTEL_JAVAAGENT_DEBUG', value: 'true' }], extensions: [{ image: 'ext:1', dir: '/ext' }] },
    });
    const [cr] = Testing.synth(c);
    expect(cr).toEqual({
      apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'java', namespace: 'shop' },
      spec: {
        exporter: { endpoint: 'http://collector:4318', tls: { secretName: 'certs', ca_file: 'ca.crt' } },
        propagators: ['tracecontext', 'baggage'],
        sampler: { type: 'parentbased_traceidratio', argument: '0.25' },
        resource: { resourceAttributes: { 'deployment.environment': 'prod' }, addK8sUIDAttributes: true },
        defaults: { useLabelsForResourceAttributes: true },
        java: { env: [{ name: 'OTEL_JAVAAGENT_DEBUG', value: 'true' }], extensions: [{ image: 'ext:1', dir: '/ext' }] },
      },
    });
  });

  test('an invalid sampler argument is rejected naming the field', () => {
    expect(() => new Instrumentation(chart(), 'inst', { sampler: { type: SamplerType.TRACE_ID_RATIO, argument: '1.5' } }))
      .toThrow(InvalidInputError);
    expect(() => new Instrumentation(chart(), 'inst', { sampler: { type: SamplerType.TRACE_ID_RATIO, argument: '1.5' } }))
      .toThrow(/spec.sampler.argument: '1.5' is not a number between 0 and 1/);
  });

  test('warnings of the validating webhook are kept', () => {
    const inst = new Instrumentation(chart(), 'inst', { exporter: { endpoint: 'https://collector:4318' } });
    expect(inst.warnings).toEqual(expect.arrayContaining(['sampler type not set', expect.stringContaining('uses https:// but spec.exporter.tls is not set')]));
  });

  test('inject() instruments a cdk8s-plus Deployment at synth time, named after the Deployment', () => {
    const c = chart();
    const inst = new Instrumentation(c, 'inst', { name: 'java', exporter: { endpoint: 'http://collector:4318' } });
    const deploy = new kplus.Deployment(c, 'cart', {
      metadata: { name: 'cart' },
      containers: [{ name: 'app', image: 'registry.example.com/cart:1.4.2', portNumber: 8080 }],
    });
    inst.inject(deploy, { language: Language.JAVA });
    const out = Testing.synth(c).find((o) => o.kind === 'Deployment')!;
    const template = out.spec.template;
    expect(template.metadata.annotations['instrumentation.opentelemetry.io/inject-java']).toBe('shop/java');
    expect(template.metadata.namespace).toBeUndefined();
    expect(template.metadata.ownerReferences).toBeUndefined();
    expect(template.spec.initContainers.map((i: Json) => i.name)).toEqual(['opentelemetry-auto-instrumentation-java']);
    expect(template.spec.initContainers[0].image).toBe('ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0');
    const env = envOf(template.spec.containers[0]);
    expect(env.OTEL_SERVICE_NAME).toBe('cart');
    expect(env.JAVA_TOOL_OPTIONS).toBe(' -javaagent:/otel-auto-instrumentation-java-app/javaagent.jar');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe('k8s.container.name=app,k8s.deployment.name=cart,k8s.namespace.name=shop,'
      + 'k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),'
      + 'service.instance.id=shop.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,service.namespace=shop,service.version=1.4.2');
    expect(template.spec.volumes.map((v: Json) => v.name)).toContain('opentelemetry-auto-instrumentation-java');
  });

  test('two languages on two containers of one L1 Deployment are applied in one mutation', () => {
    const c = chart();
    const inst = new Instrumentation(c, 'inst', { name: 'multi' });
    const deploy = new k8s.KubeDeployment(c, 'd', {
      metadata: { name: 'shop' },
      spec: { selector: { matchLabels: { app: 'shop' } }, template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [
        { name: 'java-app', image: 'j:1' }, { name: 'py-app', image: 'p:1' }] } } },
    });
    inst.inject(deploy, { language: Language.JAVA, containerNames: ['java-app'] });
    inst.inject(deploy, { language: Language.PYTHON, containerNames: ['py-app'] });
    const out = Testing.synth(c).find((o) => o.kind === 'Deployment')!;
    expect(out.spec.template.spec.initContainers.map((i: Json) => i.name))
      .toEqual(['opentelemetry-auto-instrumentation-java', 'opentelemetry-auto-instrumentation-python']);
    expect(envOf(out.spec.template.spec.containers[1]).PYTHONPATH).toContain('/otel-auto-instrumentation-python');
    expect(envOf(out.spec.template.spec.containers[0]).PYTHONPATH).toBeUndefined();
    // toJson twice gives the same result (the wrapped toJson mutates a fresh copy each time)
    expect(ApiObject.of(deploy).toJson()).toEqual(ApiObject.of(deploy).toJson());
  });

  test('two languages without containerNames are refused at synth time (the webhook would silently skip the pod)', () => {
    const c = chart();
    const inst = new Instrumentation(c, 'inst', { name: 'multi' });
    const pod = new k8s.KubePod(c, 'p', { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } });
    inst.inject(pod, { language: Language.JAVA });
    inst.inject(pod, { language: Language.PYTHON, containerNames: ['b'] });
    expect(() => Testing.synth(c)).toThrow(/cannot inject java and python: incorrect instrumentation configuration - please provide container names for all instrumentations \(give containerNames to each inject\(\) call\)/);
  });

  test('fromCustomResource keeps the CR spec and metadata, and validates it', () => {
    const c = chart();
    const cr = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'from-yaml', namespace: 'obs' },
      spec: { exporter: { endpoint: 'http://c:4317' }, sampler: { type: 'always_on' } } };
    const inst = Instrumentation.fromCustomResource(c, 'cr', cr);
    expect(Testing.synth(c)[0]).toEqual(cr);
    expect(inst.toResource()).toEqual(cr);
    expect(() => Instrumentation.fromCustomResource(chart(), 'bad', { ...cr, spec: { sampler: { type: 'sometimes' } } }))
      .toThrow(/Instrumentation from-yaml: spec: spec.sampler.type: unknown sampler type 'sometimes'/);
  });

  test('a CronJob gets its job template instrumented, named after the CronJob', () => {
    const c = chart();
    const inst = new Instrumentation(c, 'inst', { name: 'sdk' });
    const cron = new k8s.KubeCronJob(c, 'cj', { metadata: { name: 'nightly' }, spec: { schedule: '0 1 * * *', jobTemplate: { spec: { template: {
      spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'job:3' }] } } } } } });
    inst.inject(cron, { language: Language.SDK });
    const out = Testing.synth(c).find((o) => o.kind === 'CronJob')!;
    const env = envOf(out.spec.jobTemplate.spec.template.spec.containers[0]);
    expect(env.OTEL_SERVICE_NAME).toBe('nightly');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.cronjob.name=nightly');
  });

  test('injecting the same language twice into one workload is refused', () => {
    const c = chart();
    const inst = new Instrumentation(c, 'inst');
    const pod = new k8s.KubePod(c, 'p', { spec: { containers: [{ name: 'a', image: 'a:1' }] } });
    inst.inject(pod, { language: Language.NODEJS });
    expect(() => inst.inject(pod, { language: Language.NODEJS })).toThrow(/nodejs instrumentation is already injected/);
  });

  test('a construct that is not a workload is refused', () => {
    const c = chart();
    const inst = new Instrumentation(c, 'inst');
    const svc = new k8s.KubeService(c, 's', { spec: { ports: [{ port: 80 }] } });
    expect(() => inst.inject(svc, { language: Language.JAVA })).toThrow(/cannot inject into a Service/);
  });
});

describe('build-time collector sidecar', () => {

  test('injectCollectorSidecar adds the otc-container and the injected label', () => {
    const c = chart();
    const col = new OtelCollector(c, 'col', { name: 'agent', mode: CollectorMode.SIDECAR, config });
    const deploy = new kplus.Deployment(c, 'web', { metadata: { name: 'web' }, containers: [{ name: 'app', image: 'web:1' }] });
    injectCollectorSidecar(deploy, col);
    const out = Testing.synth(c).find((o) => o.kind === 'Deployment')!;
    const names = out.spec.template.spec.containers.map((x: Json) => x.name);
    expect(names).toEqual(['app', 'otc-container']);
    const sidecar = out.spec.template.spec.containers[1];
    expect(sidecar.args).toContain('--config=env:OTEL_CONFIG');
    expect(sidecar.env.map((e: Json) => e.name)).toEqual(['POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS', 'OTEL_CONFIG',
      'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', 'OTEL_RESOURCE_ATTRIBUTES_POD_UID', 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', 'OTEL_RESOURCE_ATTRIBUTES']);
    expect(out.spec.template.metadata.labels['sidecar.opentelemetry.io/injected']).toBe('shop.agent');
  });

  test('native sidecar goes to initContainers with restartPolicy Always', () => {
    const c = chart();
    const col = new OtelCollector(c, 'col', { name: 'agent', mode: CollectorMode.SIDECAR, config });
    const pod = new k8s.KubePod(c, 'p', { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'a:1' }] } });
    injectCollectorSidecar(pod, col, { nativeSidecar: true });
    const out = Testing.synth(c).find((o) => o.kind === 'Pod')!;
    expect(out.spec.containers.map((x: Json) => x.name)).toEqual(['app']);
    expect(out.spec.initContainers[0]).toMatchObject({ name: 'otc-container', restartPolicy: 'Always' });
  });

  test('a deployment-mode collector cannot be injected', () => {
    const c = chart();
    const col = new OtelCollector(c, 'col', { name: 'gw', config });
    const pod = new k8s.KubePod(c, 'p', { spec: { containers: [{ name: 'app', image: 'a:1' }] } });
    expect(() => injectCollectorSidecar(pod, col)).toThrow(/mode is not set to sidecar/);
  });
});

describe('build-time injection keeps every field of cdk8s-plus workloads (issue 14 #1)', () => {
  const withoutTemplateSpec = (o: Json) => {
    const copy = JSON.parse(JSON.stringify(o));
    const t = podTemplateOf(copy);
    delete t.spec.containers;
    delete t.spec.initContainers;
    delete t.spec.volumes;
    delete t.metadata.annotations;
    delete t.metadata.labels;
    return copy;
  };
  /** Every field of each original container is in the injected one: equal, or (lists the injector extends) contained. */
  const expectKept = (before: Json, after: Json) => {
    expect(withoutTemplateSpec(after)).toEqual(withoutTemplateSpec(before));
    const b = podTemplateOf(before);
    const a = podTemplateOf(after);
    for (const [k, v] of Object.entries(b.metadata.labels ?? {})) expect(a.metadata.labels[k]).toBe(v);
    expect(a.spec.volumes).toEqual(expect.arrayContaining(b.spec.volumes));
    for (const container of b.spec.containers) {
      const injected = a.spec.containers.find((x: Json) => x.name === container.name);
      for (const [key, value] of Object.entries(container)) {
        if (key === 'env' || key === 'volumeMounts') expect(injected[key]).toEqual(expect.arrayContaining(value as Json[]));
        else expect([key, injected[key]]).toEqual([key, value]);
      }
    }
  };

  test.each(['instrumentation', 'sidecar'])('%s: probes, ports, resources, env and mounts of all five kinds survive', (what) => {
    const before = synthPlusWorkloads('shop');
    const after = synthPlusWorkloads('shop', (c, workload) => {
      if (what === 'instrumentation') {
        const inst = (c.node.tryFindChild('inst') as Instrumentation | undefined) ?? new Instrumentation(c, 'inst', { name: 'java' });
        inst.inject(workload, { language: Language.JAVA });
      } else {
        const col = (c.node.tryFindChild('col') as OtelCollector | undefined)
          ?? new OtelCollector(c, 'col', { name: 'agent', mode: CollectorMode.SIDECAR, config });
        injectCollectorSidecar(workload, col);
      }
    }).filter((o) => (PLUS_WORKLOAD_KINDS as readonly string[]).includes(o.kind));
    const workloads = before.filter((o) => (PLUS_WORKLOAD_KINDS as readonly string[]).includes(o.kind));
    expect(after.map((o) => o.kind)).toEqual([...PLUS_WORKLOAD_KINDS]);
    for (const [i, b] of workloads.entries()) {
      const app = podTemplateOf(after[i]).spec.containers.find((x: Json) => x.name === 'app');
      expect(app.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
      expect(app.livenessProbe.tcpSocket).toEqual({ port: 8080 });
      expect(app.resources).toEqual({ limits: { cpu: '750m', memory: '256Mi' }, requests: { cpu: '250m', memory: '128Mi' } });
      expectKept(b, after[i]);
    }
  });
});
