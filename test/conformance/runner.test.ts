import { createHash } from 'crypto';
import * as YAML from 'yaml';
import { KubeObject } from '../../src/common/kube';
import { parseTestFile } from '../../src/conformance/model';
import { RunOptions, runTest } from '../../src/conformance/runner';
import { ConfigMapRetention, PodMutator, Reconciler } from '../../src/conformance/simulator';

/** A tiny stand-in for the operator: a Deployment, a versioned ConfigMap and (unless sidecar) a Service per collector. */
const fakeReconciler: Reconciler = (crs, ctx) => crs.filter((cr) => cr.kind === 'OpenTelemetryCollector').flatMap((cr) => {
  const spec = cr.spec as Record<string, any>;
  if (spec.mode === 'invalid') throw new Error(`${cr.metadata.name}: spec.mode: unknown mode "invalid"`);
  const name = `${cr.metadata.name}-collector`;
  const hash = createHash('sha256').update(JSON.stringify(spec.config ?? {})).digest('hex').slice(0, 8);
  const labels = { ...(cr.metadata.labels ?? {}), 'app.kubernetes.io/managed-by': 'opentelemetry-operator', 'app.kubernetes.io/instance': `${ctx.namespace}.${cr.metadata.name}` };
  const owner = [{ apiVersion: cr.apiVersion, kind: cr.kind, name: cr.metadata.name!, controller: true }];
  const out: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-${hash}`, namespace: ctx.namespace, labels, ownerReferences: owner }, data: { 'collector.yaml': YAML.stringify(spec.config ?? {}) } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ctx.namespace, labels, annotations: cr.metadata.annotations, ownerReferences: owner },
      spec: { replicas: spec.replicas ?? 1, template: { metadata: { labels, annotations: { hash } }, spec: { containers: [{ name: 'otc-container', image: 'collector:1.0', ports: [{ containerPort: 4317 }] }] } } },
    },
  ];
  if (spec.mode !== 'sidecar') out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ctx.namespace, labels, ownerReferences: owner }, spec: { ports: [{ name: 'otlp-grpc', port: 4317 }] } });
  return out;
});

/** Injects an env var into pods that ask for it, like the instrumentation webhook would. */
const fakeMutator: PodMutator = (pod, lookup) => {
  if (pod.metadata.annotations?.['inject'] !== 'true') return pod;
  const insts = lookup.list('Instrumentation', pod.metadata.namespace);
  const spec = pod.spec as Record<string, any>;
  spec.containers[0].env = [...(spec.containers[0].env ?? []), { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: (insts[0]?.spec as any)?.exporter?.endpoint ?? 'none' }];
  return pod;
};

const keepNewest = (n: number): ConfigMapRetention => (_collector, older) =>
  [...older].sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp))).slice(0, n);

function collector(name: string, extra: string, config = '{receivers: {otlp: {}}}') {
  return `apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata:\n  name: ${name}\n${extra}spec:\n  config: ${config}\n`;
}

function run(testYaml: string, files: Record<string, string>, opts: Partial<RunOptions> = {}) {
  const [test] = parseTestFile(testYaml, '/t/case/chainsaw-test.yaml', () => { throw new Error('no templates'); });
  return runTest(test, {
    namespace: 'chainsaw-test', serverVersion: { major: '1', minor: '31' }, collectorVersion: '0.158.0',
    reconciler: fakeReconciler, podMutator: fakeMutator,
    readFile: (p) => {
      const f = files[p.replace('/t/case/', '')];
      if (f === undefined) throw new Error(`ENOENT ${p}`);
      return f;
    },
    ...opts,
  });
}

const steps = (yaml: string) => `apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec:\n  steps:\n${yaml}`;

describe('runTest', () => {
  test('objects rendered for an applied CR are matched by assert; differences name object, path and values', () => {
    const r = run(steps(`
  - try:
    - apply: {file: install.yaml}
    - assert: {file: ok.yaml}
  - try:
    - assert: {file: bad.yaml}
`), {
      'install.yaml': collector('simple', ''),
      'ok.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: simple-collector\n  namespace: ($namespace)\nspec:\n  template:\n    spec:\n      containers:\n      - name: otc-container\n        ports: [{containerPort: 4317, protocol: TCP}]\nstatus:\n  readyReplicas: 1\n',
      'bad.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: simple-collector}\nspec:\n  template:\n    spec:\n      containers:\n      - ports: [{}, {}]\n',
    });
    expect(r.steps[0]).toMatchObject({ outcome: 'PASS', detail: 'status not checked' });
    expect(r.steps[1].outcome).toBe('FAIL');
    expect(r.steps[1].detail).toBe('bad.yaml: Deployment simple-collector: spec.template.spec.containers[0].ports: expected length 2, got 1');
    expect(r.outcome).toBe('FAIL');
  });

  test('error files must not match; a sidecar collector has no Service', () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: sc-collector}\n';
    const r = run(steps(`
  - try:
    - apply: {file: install.yaml}
    - error: {file: svc.yaml}
    - apply: {file: deploy-mode.yaml}
    - error: {file: svc.yaml}
`), { 'install.yaml': collector('sc', '', '{}\n  mode: sidecar'), 'deploy-mode.yaml': collector('sc', '', '{}\n  mode: deployment'), 'svc.yaml': svc });
    expect(r.steps[0].operations.map((o) => o.outcome)).toEqual(['PASS', 'PASS', 'PASS', 'FAIL']);
    expect(r.steps[0].detail).toBe('svc.yaml: Service chainsaw-test/sc-collector exists but must not');
  });

  test('a config change creates a new ConfigMap; old ones are pruned unless retention keeps them', () => {
    const cmName = (config: unknown) => `c-collector-${createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 8)}`;
    const cm = (config: unknown) => `{resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: ${cmName(config)}}}}`;
    const files = { 'v1.yaml': collector('c', '', '{a: 1}'), 'v2.yaml': collector('c', '', '{a: 2}'), 'v3.yaml': collector('c', '', '{a: 3}') };
    const kept = run(steps(`
  - try:
    - apply: {file: v1.yaml}
    - apply: {file: v2.yaml}
    - assert: ${cm({ a: 1 })}
    - apply: {file: v3.yaml}
    - assert: ${cm({ a: 2 })}
    - assert: ${cm({ a: 3 })}
    - error: ${cm({ a: 1 })}
`), files, { configMapRetention: keepNewest(1) });
    expect(kept.steps[0].operations.map((o) => o.outcome)).toEqual(['PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS']);
    const pruned = run(steps(`
  - try:
    - apply: {file: v1.yaml}
    - apply: {file: v2.yaml}
    - error: ${cm({ a: 1 })}
    - assert: ${cm({ a: 2 })}
`), files);
    expect(pruned.steps[0].operations.map((o) => o.outcome)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
  });

  test('the operator keeps annotations others put on its objects; unmanaged CRs are frozen', () => {
    const r = run(steps(`
  - try:
    - apply: {file: v1.yaml}
    - apply: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector, annotations: {manual: "true"}}}}
    - update: {file: v2.yaml}
    - assert: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector, annotations: {manual: "true", user: b}}}}
    - apply: {file: unmanaged.yaml}
    - assert: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector, annotations: {user: b}}}}
    - error: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector, annotations: {user: c}}}}
`), {
      'v1.yaml': collector('c', '  annotations: {user: a}\n'),
      'v2.yaml': collector('c', '  annotations: {user: b}\n'),
      'unmanaged.yaml': collector('c', '  annotations: {user: c}\n', '{}\n  managementState: unmanaged'),
    });
    expect(r.steps[0].operations.map((o) => `${o.type}:${o.outcome}`)).toEqual(
      ['apply:PASS', 'apply:PASS', 'update:PASS', 'assert:PASS', 'apply:PASS', 'assert:PASS', 'error:PASS']);
  });

  test('workloads get pods: named after their ReplicaSet, owned by it, mutated by the webhook with the SA token mounted', () => {
    const r = run(steps(`
  - try:
    - apply: {resource: {apiVersion: opentelemetry.io/v1alpha1, kind: Instrumentation, metadata: {name: i}, spec: {exporter: {endpoint: "http://c:4318"}}}}
    - apply: {file: app.yaml}
    - assert: {file: pod.yaml}
`), {
      'app.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}, annotations: {inject: "true"}}\n    spec:\n      containers: [{name: myapp, image: "app:1"}]\n',
      'pod.yaml': [
        'apiVersion: v1', 'kind: Pod', 'metadata:', '  labels: {app: a}',
        '  (starts_with(name, \'app-\')): true', '  ownerReferences: [{kind: ReplicaSet}]',
        'spec:', '  containers:', '  - name: myapp', '    imagePullPolicy: IfNotPresent',
        '    env: [{name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://c:4318"}]',
        '    volumeMounts: [{mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}]', '',
      ].join('\n'),
    });
    expect(r.steps[0]).toMatchObject({ outcome: 'PASS' });
  });

  test('a rejected write fails the operation and is undone; `expect` can require the rejection', () => {
    const r = run(steps(`
  - try:
    - apply: {file: bad.yaml}
  - try:
    - apply:
        file: bad.yaml
        expect:
        - check:
            ($error != null): true
    - error: {resource: {apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, metadata: {name: bad}}}
`), { 'bad.yaml': collector('bad', '', '{}\n  mode: invalid') }, { keepGoing: true });
    expect(r.steps[0].outcome).toBe('FAIL');
    expect(r.steps[0].detail).toContain('OpenTelemetryCollector chainsaw-test/bad rejected: bad: spec.mode: unknown mode "invalid"');
    expect(r.steps[1].outcome).toBe('PASS');
    const accepted = run(steps(`
  - try:
    - apply:
        file: good.yaml
        expect:
        - check:
            ($error != null): true
`), { 'good.yaml': collector('good', '') });
    expect(accepted.steps[0]).toMatchObject({ outcome: 'FAIL', detail: 'good.yaml: expect ($error != null): expected true, got false' });
  });

  test('chainsaw stops at the first failing step unless asked to keep going', () => {
    const t = steps(`
  - try:
    - assert: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: nope}}}
  - try:
    - apply: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}}
`);
    expect(run(t, {}).steps[1]).toMatchObject({ outcome: 'SKIP', detail: 'not run: an earlier step failed' });
    expect(run(t, {}, { keepGoing: true }).steps[1].outcome).toBe('PASS');
    expect(run(t, {}).steps[0].detail).toBe('resource: ConfigMap nope not found in namespace chainsaw-test');
  });

  test('values from live-cluster steps make dependent operations SKIP with the reason; known scripts are simulated', () => {
    const r = run(steps(`
  - try:
    - script:
        content: kubectl get --raw /metrics
        outputs: [{name: metrics, value: ($stdout)}]
    - assert:
        resource:
          (length($metrics) > \`0\`): true
  - try:
    - script:
        content: |
          VERSION=$(kubectl logs deployment/opentelemetry-operator-controller-manager -n opentelemetry-operator-system | grep -o '"collector-image":"[^"]*"')
        outputs: [{name: collectorVersion, value: ($stdout)}]
    - apply: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: v}, data: {version: ($collectorVersion)}}}
    - assert: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: v}, data: {version: 0.158.0}}}
    - assert:
        resource:
          (x_k8s_exists($client, 'v1', 'ConfigMap', $namespace, 'v')): true
`), {});
    expect(r.steps[0].outcome).toBe('SKIP');
    expect(r.steps[0].operations[1].detail).toMatch(/needs \$metrics from script "kubectl get --raw \/metrics"/);
    expect(r.steps[1].operations.map((o) => o.outcome)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(r.outcome).toBe('PASS');
  });

  test('kubectl create job --from cronjob is simulated and the job gets a pod', () => {
    const r = run(steps(`
  - try:
    - apply: {resource: {apiVersion: batch/v1, kind: CronJob, metadata: {name: cj}, spec: {jobTemplate: {spec: {template: {metadata: {annotations: {inject: "true"}}, spec: {containers: [{name: c, image: "x:1"}]}}}}}}}
    - command: {entrypoint: kubectl, args: [-n, "\${NAMESPACE}", create, job, --from, cronjob/cj, cj-exec]}
    - assert: {resource: {apiVersion: v1, kind: Pod, metadata: {labels: {job-name: cj-exec}}, spec: {containers: [{env: [{name: OTEL_EXPORTER_OTLP_ENDPOINT}]}]}}}
`), {});
    expect(r.steps[0].operations.map((o) => o.outcome)).toEqual(['PASS', 'PASS', 'PASS']);
  });
});

describe('simulated API server and runtime', () => {
  test('a v1 List stands for its items; rendered objects get a controller reference to their CR', () => {
    const r = run(steps(`
  - try:
    - apply: {file: install.yaml}
    - assert: {file: list.yaml}
`), {
      'install.yaml': collector('c', ''),
      'list.yaml': [
        'apiVersion: v1', 'kind: List', 'items:',
        '- apiVersion: v1', '  kind: Service', '  metadata:', '    name: c-collector',
        '    ownerReferences: [{apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, name: c, controller: true, blockOwnerDeletion: true}]',
        '  spec: {sessionAffinity: None, ipFamilies: [IPv4], ports: [{name: otlp-grpc, port: 4317, protocol: TCP, targetPort: 4317}]}',
        '- apiVersion: apps/v1', '  kind: Deployment', '  metadata: {name: c-collector}', '',
      ].join('\n'),
    }, {
      // a reconciler that leaves owner references to the runtime, as a renderer may
      reconciler: (crs, ctx) => fakeReconciler(crs, ctx).map((o) => ({ ...o, metadata: { ...o.metadata, ownerReferences: undefined } })),
    });
    expect(r.steps[0]).toMatchObject({ outcome: 'PASS' });
  });

  test('CRs are stored in the storage version and read back converted', () => {
    const conversion = {
      storageVersion: (kind: string) => (kind === 'OpenTelemetryCollector' ? 'opentelemetry.io/v1beta1' : undefined),
      convert: (obj: KubeObject, apiVersion: string) => {
        const spec = { ...(obj.spec as Record<string, unknown>) };
        if (apiVersion.endsWith('v1alpha1')) spec.config = YAML.stringify(spec.config);
        else spec.config = typeof spec.config === 'string' ? YAML.parse(spec.config) : spec.config;
        return { ...obj, apiVersion, spec };
      },
    };
    const r = run(steps(`
  - try:
    - apply: {resource: {apiVersion: opentelemetry.io/v1alpha1, kind: OpenTelemetryCollector, metadata: {name: old}, spec: {config: "receivers: {otlp: {}}\\n"}}}
    - assert: {resource: {apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, metadata: {name: old}, spec: {config: {receivers: {otlp: {}}}}}}
    - assert: {resource: {apiVersion: opentelemetry.io/v1alpha1, kind: OpenTelemetryCollector, metadata: {name: old}, spec: {config: "receivers:\\n  otlp: {}\\n"}}}
    - assert: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: old-collector}}}
`), {}, { conversion });
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(['PASS ', 'PASS ', 'PASS ', 'PASS ']);
  });

  test('HPA behavior and Service fields get the API server defaults', () => {
    const r = run(steps(`
  - try:
    - apply: {resource: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}, spec: {maxReplicas: 2, behavior: {scaleUp: {stabilizationWindowSeconds: 10}}}}}
    - assert:
        resource:
          apiVersion: autoscaling/v2
          kind: HorizontalPodAutoscaler
          metadata: {name: h}
          spec:
            minReplicas: 1
            behavior:
              scaleUp: {stabilizationWindowSeconds: 10, selectPolicy: Max, policies: [{type: Pods, value: 4, periodSeconds: 15}, {type: Percent, value: 100, periodSeconds: 15}]}
              scaleDown: {selectPolicy: Max, policies: [{type: Percent, value: 100, periodSeconds: 15}]}
    - apply: {resource: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {clusterIP: None, ports: [{port: 80}]}}}
    - assert: {resource: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {clusterIPs: [None], internalTrafficPolicy: Cluster, ports: [{port: 80, targetPort: 80, protocol: TCP}]}}}
`), {});
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(['PASS ', 'PASS ', 'PASS ', 'PASS ']);
  });

  test('a pod volume naming no source is stored as an emptyDir (SetDefaults_Volume); other sources are left alone', () => {
    const r = run(steps(`
  - try:
    - apply:
        resource:
          apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: s}
          spec: {template: {spec: {containers: [{name: c, image: i:1}], volumes: [{name: scratch}, {name: cm, configMap: {name: x}}]}}}
    - assert: {resource: {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}, spec: {template: {spec: {volumes: [{name: scratch, emptyDir: {}}, {name: cm, configMap: {name: x, defaultMode: 420}}]}}}}}
    - assert: {resource: {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: s}, spec: {template: {spec: {volumes: [{}, {(emptyDir == null): true}]}}}}}
`), {});
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(['PASS ', 'PASS ', 'PASS ']);
  });

  test('StatefulSet claim templates are stored with their type, volumeMode Filesystem and phase Pending', () => {
    const r = run(steps(`
  - try:
    - apply:
        resource:
          apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: s}
          spec:
            template: {spec: {containers: [{name: c, image: i:1}]}}
            volumeClaimTemplates: [{metadata: {name: a}, spec: {accessModes: [ReadWriteOnce]}}, {metadata: {name: b}, spec: {volumeMode: Block}}]
    - assert:
        resource:
          apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: s}
          spec:
            volumeClaimTemplates:
            - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: a}, spec: {accessModes: [ReadWriteOnce], volumeMode: Filesystem}, status: {phase: Pending}}
            - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: b}, spec: {volumeMode: Block}}
`), {});
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(['PASS ', 'PASS ']);
  });

  test('the Deployment controller numbers rollouts in deployment.kubernetes.io/revision, on the Deployment and its ReplicaSet', () => {
    const revision = (n: string) => `{apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector, annotations: {deployment.kubernetes.io/revision: "${n}"}}}`;
    const r = run(steps(`
  - try:
    - apply: {file: v1.yaml}
    - assert: {resource: ${revision('1')}}
    - apply: {file: v1.yaml}
    - assert: {resource: ${revision('1')}}
    - apply: {file: v2.yaml}
    - assert: {resource: ${revision('2')}}
    - assert: {resource: {apiVersion: apps/v1, kind: ReplicaSet, metadata: {annotations: {deployment.kubernetes.io/revision: "2"}, labels: {app.kubernetes.io/managed-by: opentelemetry-operator}}}}
`), { 'v1.yaml': collector('c', ''), 'v2.yaml': collector('c', '', '{receivers: {zipkin: {}}}') });
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(['PASS ', 'PASS ', 'PASS ', 'PASS ', 'PASS ', 'PASS ', 'PASS ']);
  });

  test('a Deployment with a revision annotation is still the operator\'s: pruned when no longer wanted', () => {
    const reconciler: Reconciler = (crs, ctx) => crs.filter((cr) => (cr.spec as any)?.want).map((cr) => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${cr.metadata.name}-collector`, namespace: ctx.namespace },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
    }));
    const col = (want: boolean) => `{apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, metadata: {name: c}, spec: {want: ${want}}}`;
    const r = run(steps(`
  - try:
    - apply: {resource: ${col(true)}}
    - assert: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector, annotations: {deployment.kubernetes.io/revision: "1"}}}}
    - apply: {resource: ${col(false)}}
    - error: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector}}}
`), {}, { reconciler });
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(Array(4).fill('PASS '));
  });

  test('the token controller fills a service-account-token Secret once its ServiceAccount exists', () => {
    const secret = (name: string, sa: string) => `{apiVersion: v1, kind: Secret, type: kubernetes.io/service-account-token, metadata: {name: ${name}, annotations: {kubernetes.io/service-account.name: ${sa}}}}`;
    const r = run(steps(`
  - try:
    - apply: {resource: {apiVersion: v1, kind: ServiceAccount, metadata: {name: collector}}}
    - apply: {resource: ${secret('collector', 'collector')}}
    - assert: {resource: {apiVersion: v1, kind: Secret, metadata: {name: collector}, data: {(token != null): true, '("ca.crt" != null)': true, namespace: ${Buffer.from('chainsaw-test').toString('base64')}}}}
    - apply: {resource: ${secret('orphan', 'nobody')}}
    - assert: {resource: {apiVersion: v1, kind: Secret, metadata: {name: orphan}, (data == null): true}}
    - apply: {resource: {apiVersion: v1, kind: ServiceAccount, metadata: {name: nobody}}}
    - assert: {resource: {apiVersion: v1, kind: Secret, metadata: {name: orphan}, data: {(token != null): true}}}
`), {});
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(Array(7).fill('PASS '));
  });

  test('an error document with a status: decided when the rest matches nothing, skipped when only the status could tell', () => {
    const ds = (extra: string) => `{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: c-collector${extra}}, spec: {updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}, revisionHistoryLimit: 10}, status: {numberMisscheduled: 0}}`;
    const reconciler: Reconciler = (crs, ctx) => crs.map((cr) => ({
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: `${cr.metadata.name}-collector`, namespace: ctx.namespace, annotations: cr.metadata.annotations },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
    }));
    const r = run(steps(`
  - try:
    - apply: {resource: {apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, metadata: {name: c, annotations: {a: x}}, spec: {}}}
    - error: {resource: ${ds(', annotations: {a: other}')}}
    - error: {resource: ${ds(', annotations: {a: x}')}}
`), {}, { reconciler });
    // the second matches apart from the status (the DaemonSet defaults make the spec match): undecidable
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual([
      'PASS ', 'PASS status not checked', 'SKIP resource: DaemonSet chainsaw-test/c-collector matches all but the status, which is not checked',
    ]);
  });

  test('the operator flags of a run reach the reconciler with every namespace', () => {
    const seen: unknown[] = [];
    const reconciler: Reconciler = (_crs, ctx) => {
      seen.push(ctx);
      return [];
    };
    run(steps(`
  - try:
    - apply: {resource: {apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, metadata: {name: c}, spec: {}}}
`), {}, { reconciler, operatorFlags: { annotationsFilter: ['.*filter.out'] } });
    expect(seen[0]).toEqual({ namespace: 'chainsaw-test', annotationsFilter: ['.*filter.out'] });
  });

  test('a repeated key in a file is read as chainsaw reads it: the last one wins', () => {
    const r = run(steps(`
  - try:
    - apply: {file: cm.yaml}
    - assert: {file: cm.yaml}
`), { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  labels: {a: b}\n  name: cm\ndata: {k: v}\n' });
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(['PASS ', 'PASS ']);
  });

  test('objects a TargetAllocator no longer wants stay (its controller does not prune); a collector\'s go', () => {
    // stand-in operator: a ServiceAccount per CR unless spec.serviceAccount names one
    const reconciler: Reconciler = (crs, ctx) => crs.flatMap((cr) => {
      const suffix = cr.kind === 'TargetAllocator' ? 'targetallocator' : 'collector';
      if ((cr.spec as any)?.serviceAccount) return [];
      return [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `${cr.metadata.name}-${suffix}`, namespace: ctx.namespace,
        ownerReferences: [{ apiVersion: cr.apiVersion, kind: cr.kind, name: cr.metadata.name!, controller: true }] } }];
    });
    const ta = (sa: string) => `{apiVersion: opentelemetry.io/v1alpha1, kind: TargetAllocator, metadata: {name: t}, spec: {${sa}}}`;
    const col = (sa: string) => `{apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, metadata: {name: c}, spec: {${sa}}}`;
    const r = run(steps(`
  - try:
    - apply: {resource: ${ta('')}}
    - apply: {resource: ${col('')}}
    - apply: {resource: ${ta('serviceAccount: mine')}}
    - apply: {resource: ${col('serviceAccount: mine')}}
    - assert: {resource: {apiVersion: v1, kind: ServiceAccount, metadata: {name: t-targetallocator}}}
    - error: {resource: {apiVersion: v1, kind: ServiceAccount, metadata: {name: c-collector}}}
    - delete: {ref: {apiVersion: opentelemetry.io/v1alpha1, kind: TargetAllocator, name: t}}
    - error: {resource: {apiVersion: v1, kind: ServiceAccount, metadata: {name: t-targetallocator}}}
`), {}, { reconciler });
    expect(r.steps[0].operations.map((o) => `${o.outcome} ${o.detail}`)).toEqual(Array(8).fill('PASS '));
  });
});

describe('delete', () => {
  test('by name, or by labels; the operator prunes what a deleted CR owned', () => {
    const r = run(steps(`
  - try:
    - apply: {file: install.yaml}
    - apply: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: a, labels: {x: "1"}}}}
    - apply: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: b, labels: {x: "2"}}}}
    - delete: {ref: {apiVersion: v1, kind: ConfigMap, labels: {x: "1"}}}
    - error: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}}
    - assert: {resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}}
    - delete: {ref: {apiVersion: opentelemetry.io/v1beta1, kind: OpenTelemetryCollector, name: c}}
    - error: {resource: {apiVersion: apps/v1, kind: Deployment, metadata: {name: c-collector}}}
    - error: {resource: {apiVersion: v1, kind: Pod, metadata: {labels: {app.kubernetes.io/instance: chainsaw-test.c}}}}
`), { 'install.yaml': collector('c', '') });
    expect(r.steps[0].operations.map((o) => `${o.type}:${o.outcome}`)).toEqual([
      'apply:PASS', 'apply:PASS', 'apply:PASS', 'delete:PASS', 'error:PASS', 'assert:PASS', 'delete:PASS', 'error:PASS', 'error:PASS']);
  });
});

describe('simulated commands and test-level settings', () => {
  test('kubectl get <kind> <name> -o jsonpath reads the store; server version bindings evaluate; spec.namespace is used', () => {
    const t = `apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata: {name: t}
spec:
  namespace: default
  bindings:
    - {name: version, value: (x_k8s_server_version($config))}
    - {name: minorVersion, value: (to_number($version.minor))}
  steps:
  - try:
    - apply: {resource: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {trafficDistribution: PreferClose, ports: [{port: 1}]}}}
    - script:
        content: kubectl get svc s -n $NAMESPACE -o jsonpath='{.spec.trafficDistribution}' || echo ""
        outputs: [{name: td, value: ($stdout)}]
    - assert:
        resource:
          (($minorVersion >= \`31\` && $td == 'PreferClose')): true
    - assert: {resource: {apiVersion: v1, kind: Service, metadata: {name: s, namespace: default}}}
`;
    const r = run(t, {});
    expect(r.steps[0].operations.map((o) => o.outcome)).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(run(t, {}, { serverVersion: { major: '1', minor: '30' } }).steps[0].operations[2].outcome).toBe('FAIL');
  });
});
