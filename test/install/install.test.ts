import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments, parseDocument } from 'yaml';
import { main } from '../../src/cli/main';
import { InvalidInputError } from '../../src/common/errors';
import { OperatorInstall } from '../../src/constructs';
import { buildOperatorInstallObjects, DEFAULT_OPERATOR_IMAGE, MUTATING_WEBHOOKS, VALIDATING_WEBHOOKS } from '../../src/install';

type Obj = { [key: string]: any };

const find = (objects: readonly Obj[], kind: string, name?: string, namespace?: string): Obj => {
  const hit = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)
    && (namespace === undefined || o.metadata.namespace === namespace));
  if (!hit) throw new Error(`no ${kind} ${namespace ?? ''}/${name ?? ''}`);
  return hit;
};
const all = (objects: readonly Obj[], kind: string) => objects.filter((o) => o.kind === kind);

/** true when one rule of `rules` grants `verb` on group/resource (optionally for a name). */
function grants(rules: Obj[], group: string, resource: string, verb: string, name?: string): boolean {
  return rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb)
    && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'cdk8s-otel', ...args], {
    stdin: Readable.from(['']), stdout: (t) => { out += t; }, stderr: (t) => { err += t; },
  });
  return { code, out, err };
}

describe('OperatorInstall objects: upstream names and labels', () => {
  const objects = buildOperatorInstallObjects() as Obj[];
  const NS = 'opentelemetry-operator-system';

  test('every object upstream e2e and docs look up exists under upstream name', () => {
    expect(find(objects, 'Namespace', NS)).toBeDefined();
    const names = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(names).toEqual(expect.arrayContaining([
      `ServiceAccount/${NS}/opentelemetry-operator-controller-manager`,
      'ClusterRole//opentelemetry-operator-manager-role',
      'ClusterRoleBinding//opentelemetry-operator-manager-rolebinding',
      'ClusterRole//opentelemetry-operator-metrics-reader',
      `Role/${NS}/opentelemetry-operator-leader-election-role`,
      `RoleBinding/${NS}/opentelemetry-operator-leader-election-rolebinding`,
      `Service/${NS}/opentelemetry-operator-webhook-service`,
      `Service/${NS}/opentelemetry-operator-controller-manager-metrics-service`,
      `Deployment/${NS}/opentelemetry-operator-controller-manager`,
      `PodDisruptionBudget/${NS}/opentelemetry-operator-controller-manager`,
      'MutatingWebhookConfiguration//opentelemetry-operator-mutating-webhook-configuration',
      'ValidatingWebhookConfiguration//opentelemetry-operator-validating-webhook-configuration',
      'CustomResourceDefinition//opentelemetrycollectors.opentelemetry.io',
      'CustomResourceDefinition//instrumentations.opentelemetry.io',
      'CustomResourceDefinition//targetallocators.opentelemetry.io',
    ]));
    expect(new Set(names).size).toBe(names.length);
    for (const o of objects) expect(o.metadata.labels['app.kubernetes.io/name']).toBe('opentelemetry-operator');
  });

  test('apply order: Namespace and CRDs first, the Deployment before the webhooks that call it', () => {
    const idx = (kind: string) => objects.findIndex((o) => o.kind === kind);
    expect(idx('Namespace')).toBe(0);
    expect(idx('CustomResourceDefinition')).toBe(1);
    expect(idx('Deployment')).toBeLessThan(idx('MutatingWebhookConfiguration'));
    expect(idx('Service')).toBeLessThan(idx('ValidatingWebhookConfiguration'));
  });

  test('the Deployment keeps upstream selector (immutable) and pod labels e2e asserts', () => {
    const d = find(objects, 'Deployment');
    const sel = { 'app.kubernetes.io/name': 'opentelemetry-operator', 'control-plane': 'controller-manager' };
    expect(d.spec.selector).toEqual({ matchLabels: sel });
    expect(d.spec.template.metadata.labels).toEqual(sel);
    expect(d.spec.replicas).toBe(1);
    const c = d.spec.template.spec.containers[0];
    expect(c.name).toBe('manager');
    expect(c.image).toBe(DEFAULT_OPERATOR_IMAGE);
    expect(c.args).toEqual(['operator', '--metrics-addr=:8443', '--health-probe-addr=:8081', '--webhook-port=9443', '--enable-leader-election']);
    expect(c.ports).toEqual(expect.arrayContaining([{ containerPort: 9443, name: 'webhook-server', protocol: 'TCP' }]));
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 8081 });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8081 });
    expect(d.spec.template.spec.serviceAccountName).toBe('opentelemetry-operator-controller-manager');
    expect(d.spec.template.spec.affinity).toBeUndefined();
    expect(c.env).toEqual([
      { name: 'SERVICE_ACCOUNT_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'NODE_OPTIONS', value: '--max-old-space-size=384' },
    ]);
  });

  test('restricted pod security: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp', () => {
    const pod = find(objects, 'Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true,
    });
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(c.resources.limits.memory).toBe('512Mi');
    // the certificate Secret is mounted where controller-runtime looks, optional since the operator makes it
    const cert = pod.volumes.find((v: Obj) => v.name === 'cert');
    expect(cert.secret).toEqual({ secretName: 'opentelemetry-operator-controller-manager-service-cert', defaultMode: 420, optional: true });
    expect(c.volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/tmp/k8s-webhook-server/serving-certs', name: 'cert', readOnly: true }]));
  });

  test('webhooks: upstream names, paths and failure policies, caBundle left to the operator', () => {
    const m = find(objects, 'MutatingWebhookConfiguration');
    const v = find(objects, 'ValidatingWebhookConfiguration');
    expect(m.metadata.annotations).toBeUndefined();
    const summary = (cfg: Obj) => cfg.webhooks.map((w: Obj) => `${w.name} ${w.clientConfig.service.path} ${w.failurePolicy} ${w.rules[0].operations.join('+')}`);
    expect(summary(m)).toEqual([
      'minstrumentation.kb.io /mutate-opentelemetry-io-v1alpha1-instrumentation Fail CREATE+UPDATE',
      'mopentelemetrycollectorbeta.kb.io /mutate-opentelemetry-io-v1beta1-opentelemetrycollector Fail CREATE+UPDATE',
      'mpod.kb.io /mutate-v1-pod Ignore CREATE',
    ]);
    expect(summary(v)).toEqual([
      'vinstrumentationcreateupdate.kb.io /validate-opentelemetry-io-v1alpha1-instrumentation Fail CREATE+UPDATE',
      'vinstrumentationdelete.kb.io /validate-opentelemetry-io-v1alpha1-instrumentation Ignore DELETE',
      'vopentelemetrycollectorcreateupdatebeta.kb.io /validate-opentelemetry-io-v1beta1-opentelemetrycollector Fail CREATE+UPDATE',
      'vopentelemetrycollectordeletebeta.kb.io /validate-opentelemetry-io-v1beta1-opentelemetrycollector Ignore DELETE',
    ]);
    for (const w of [...m.webhooks, ...v.webhooks]) {
      expect(w.sideEffects).toBe('None');
      expect(w.admissionReviewVersions).toEqual(['v1']);
      expect(w.clientConfig.caBundle).toBeUndefined();
      expect(w.clientConfig.service).toMatchObject({ name: 'opentelemetry-operator-webhook-service', namespace: NS, port: 443 });
    }
    // the operator's own pods are admitted without asking it
    expect(m.webhooks[2].namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [NS] }] });
    expect(m.webhooks[1].namespaceSelector).toBeUndefined();
    expect(MUTATING_WEBHOOKS.length + VALIDATING_WEBHOOKS.length).toBe(7);
  });

  test('the collector CRD converts through the webhook Service at /convert; the Service maps 443 to 9443', () => {
    const crd = find(objects, 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io');
    expect(crd.spec.conversion.strategy).toBe('Webhook');
    expect(crd.spec.conversion.webhook.clientConfig).toEqual({ service: { name: 'opentelemetry-operator-webhook-service', namespace: NS, path: '/convert', port: 443 } });
    const svc = find(objects, 'Service', 'opentelemetry-operator-webhook-service');
    expect(svc.spec.ports).toEqual([{ port: 443, protocol: 'TCP', targetPort: 9443 }]);
    expect(svc.spec.selector).toEqual(find(objects, 'Deployment').spec.selector.matchLabels);
  });

  test('RBAC: what the operator reconciles, its own certificate, leases; nothing it does not use', () => {
    const rules = find(objects, 'ClusterRole', 'opentelemetry-operator-manager-role').rules;
    for (const [g, r, verb] of [
      ['', 'configmaps', 'create'], ['', 'services', 'delete'], ['', 'serviceaccounts', 'patch'], ['apps', 'deployments', 'create'],
      ['apps', 'daemonsets', 'watch'], ['apps', 'statefulsets', 'update'], ['apps', 'replicasets', 'get'], ['policy', 'poddisruptionbudgets', 'create'],
      ['autoscaling', 'horizontalpodautoscalers', 'create'], ['networking.k8s.io', 'networkpolicies', 'create'], ['networking.k8s.io', 'ingresses', 'delete'],
      ['monitoring.coreos.com', 'servicemonitors', 'create'], ['monitoring.coreos.com', 'podmonitors', 'create'],
      ['opentelemetry.io', 'opentelemetrycollectors', 'watch'], ['opentelemetry.io', 'opentelemetrycollectors/status', 'update'],
      ['opentelemetry.io', 'opentelemetrycollectors/finalizers', 'update'], ['opentelemetry.io', 'instrumentations', 'list'],
      ['opentelemetry.io', 'targetallocators', 'create'], ['', 'namespaces', 'list'], ['', 'pods', 'get'], ['', 'events', 'create'],
      ['authorization.k8s.io', 'subjectaccessreviews', 'create'], ['rbac.authorization.k8s.io', 'clusterroles', 'create'],
      ['rbac.authorization.k8s.io', 'clusterrolebindings', 'delete'],
    ]) expect([g, r, verb, grants(rules, g, r, verb)]).toEqual([g, r, verb, true]);
    // the caBundle: only its own webhook configurations and the collector CRD
    expect(grants(rules, 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'patch', 'opentelemetry-operator-mutating-webhook-configuration')).toBe(true);
    expect(grants(rules, 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'patch', 'someone-elses')).toBe(false);
    expect(grants(rules, 'apiextensions.k8s.io', 'customresourcedefinitions', 'update', 'opentelemetrycollectors.opentelemetry.io')).toBe(true);
    expect(grants(rules, 'apiextensions.k8s.io', 'customresourcedefinitions', 'update', 'instrumentations.opentelemetry.io')).toBe(false);
    // no secrets cluster-wide, no wildcard, no escalate/bind, no pod writes
    expect(grants(rules, '', 'secrets', 'get')).toBe(false);
    expect(rules.some((r: Obj) => r.verbs.includes('*') || r.resources.includes('*') || r.verbs.includes('escalate') || r.verbs.includes('bind'))).toBe(false);
    expect(grants(rules, '', 'pods', 'create')).toBe(false);
    const certRole = find(objects, 'Role', 'opentelemetry-operator-webhook-cert-role');
    expect(certRole.metadata.namespace).toBe(NS);
    expect(grants(certRole.rules, '', 'secrets', 'create')).toBe(true);
    const endpoints = find(objects, 'Role', 'opentelemetry-operator-apiserver-endpoints-role', 'default');
    expect(endpoints.rules).toEqual([{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] }]);
    expect(grants(rules, 'discovery.k8s.io', 'endpointslices', 'list')).toBe(false);
    const leader = find(objects, 'Role', 'opentelemetry-operator-leader-election-role');
    for (const verb of ['get', 'create', 'update']) expect(grants(leader.rules, 'coordination.k8s.io', 'leases', verb)).toBe(true);
    for (const b of [...all(objects, 'ClusterRoleBinding'), ...all(objects, 'RoleBinding')]) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'opentelemetry-operator-controller-manager', namespace: NS }]);
    }
  });

  test('the PDB selects the operator pods and never blocks a drain of a single replica', () => {
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: find(objects, 'Deployment').spec.selector });
    expect(all(objects, 'ServiceMonitor')).toEqual([]);
    expect(all(objects, 'Certificate')).toEqual([]);
  });
});

describe('OperatorInstall options', () => {
  test('watch namespaces: Roles there, a ClusterRole with cluster-scoped rules only, WATCH_NAMESPACE, webhooks scoped', () => {
    const objects = buildOperatorInstallObjects({ watchNamespaces: ['team-a', 'team-b', 'team-a'] }) as Obj[];
    const cr = find(objects, 'ClusterRole', 'opentelemetry-operator-manager-role');
    expect(grants(cr.rules, 'apps', 'deployments', 'create')).toBe(false);
    expect(grants(cr.rules, '', 'configmaps', 'get')).toBe(false);
    // the pod webhook's Namespace informer lists them all
    expect(grants(cr.rules, '', 'namespaces', 'list')).toBe(true);
    expect(grants(cr.rules, 'authorization.k8s.io', 'subjectaccessreviews', 'create')).toBe(true);
    for (const ns of ['team-a', 'team-b']) {
      const role = find(objects, 'Role', 'opentelemetry-operator-manager-role', ns);
      expect(grants(role.rules, 'apps', 'deployments', 'create')).toBe(true);
      expect(grants(role.rules, 'opentelemetry.io', 'opentelemetrycollectors/status', 'update')).toBe(true);
      expect(find(objects, 'RoleBinding', 'opentelemetry-operator-manager-rolebinding', ns).roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'opentelemetry-operator-manager-role',
      });
    }
    expect(all(objects, 'Role').filter((r) => r.metadata.name === 'opentelemetry-operator-manager-role')).toHaveLength(2);
    const env = find(objects, 'Deployment').spec.template.spec.containers[0].env;
    expect(env[0]).toEqual({ name: 'WATCH_NAMESPACE', value: 'team-a,team-b' });
    const selector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-a', 'team-b'] }] };
    for (const w of [...find(objects, 'MutatingWebhookConfiguration').webhooks, ...find(objects, 'ValidatingWebhookConfiguration').webhooks]) {
      expect(w.namespaceSelector).toEqual(selector);
    }
  });

  test('cert-manager: Issuer + Certificate, inject-ca-from on the webhooks and the collector CRD, no CA patching rights', () => {
    const objects = buildOperatorInstallObjects({ certManager: true, namespace: 'otel' }) as Obj[];
    const inject = { 'cert-manager.io/inject-ca-from': 'otel/opentelemetry-operator-serving-cert' };
    expect(find(objects, 'MutatingWebhookConfiguration').metadata.annotations).toEqual(inject);
    expect(find(objects, 'ValidatingWebhookConfiguration').metadata.annotations).toEqual(inject);
    expect(find(objects, 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io').metadata.annotations).toEqual(inject);
    expect(find(objects, 'CustomResourceDefinition', 'instrumentations.opentelemetry.io').metadata.annotations).toBeUndefined();
    expect(find(objects, 'Issuer', 'opentelemetry-operator-selfsigned-issuer').spec).toEqual({ selfSigned: {} });
    expect(find(objects, 'Certificate', 'opentelemetry-operator-serving-cert').spec).toEqual({
      dnsNames: ['opentelemetry-operator-webhook-service.otel.svc', 'opentelemetry-operator-webhook-service.otel.svc.cluster.local'],
      issuerRef: { kind: 'Issuer', name: 'opentelemetry-operator-selfsigned-issuer' },
      secretName: 'opentelemetry-operator-controller-manager-service-cert',
      subject: { organizationalUnits: ['opentelemetry-operator'] },
    });
    const rules = find(objects, 'ClusterRole', 'opentelemetry-operator-manager-role').rules;
    expect(rules.some((r: Obj) => r.apiGroups.includes('admissionregistration.k8s.io'))).toBe(false);
    expect(grants(find(objects, 'Role', 'opentelemetry-operator-webhook-cert-role').rules, '', 'secrets', 'create')).toBe(false);
    expect(find(objects, 'Namespace').metadata.name).toBe('otel');
    expect(find(objects, 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io').spec.conversion.webhook.clientConfig.service.namespace).toBe('otel');
  });

  test('replicas > 1: preferred anti-affinity on hostname', () => {
    const d = find(buildOperatorInstallObjects({ replicas: 3 }) as Obj[], 'Deployment');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toEqual({
      labelSelector: { matchLabels: d.spec.selector.matchLabels }, topologyKey: 'kubernetes.io/hostname',
    });
  });

  test('image, collector image, ServiceMonitor, no CRDs, no namespace, no auto-RBAC, custom resources', () => {
    const objects = buildOperatorInstallObjects({
      image: 'registry.example.com/cdk8s-otel:1.2.3', collectorImage: 'otel/col:1', serviceMonitor: true, crds: false,
      createNamespace: false, autoRbac: false, resources: { limits: { memory: '1Gi' } }, extraArgs: ['--labels-filter=.*x'],
    }) as Obj[];
    const c = find(objects, 'Deployment').spec.template.spec.containers[0];
    expect(c.image).toBe('registry.example.com/cdk8s-otel:1.2.3');
    expect(c.args.slice(-2)).toEqual(['--collector-image=otel/col:1', '--labels-filter=.*x']);
    expect(c.env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-old-space-size=768' });
    expect(all(objects, 'CustomResourceDefinition')).toEqual([]);
    expect(all(objects, 'Namespace')).toEqual([]);
    const crRules = find(objects, 'ClusterRole', 'opentelemetry-operator-manager-role').rules;
    expect(grants(crRules, 'rbac.authorization.k8s.io', 'clusterroles', 'create')).toBe(false);
    // still watched, to prune what an earlier auto-RBAC made
    expect(grants(crRules, 'rbac.authorization.k8s.io', 'clusterroles', 'watch')).toBe(true);
    const sm = find(objects, 'ServiceMonitor', 'opentelemetry-operator-metrics-monitor');
    expect(sm.spec.endpoints[0]).toEqual({ interval: '30s', path: '/metrics', port: 'https', scheme: 'http', scrapeTimeout: '10s' });
    expect(sm.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-operator' } });
  });

  test.each([
    [{ namespace: 'Bad_NS' }, 'OperatorInstall: namespace: \'Bad_NS\' is not a valid namespace name'],
    [{ namespace: 'a'.repeat(64) }, 'is not a valid namespace name'],
    [{ watchNamespaces: ['ok', 'not ok'] }, 'watchNamespaces[1]'],
    [{ watchNamespaces: [' ', ''] }, 'watchNamespaces: is empty'],
    [{ replicas: 0 }, 'replicas: must be a whole number of at least 1, got 0'],
    [{ replicas: 1.5 }, 'replicas'],
    [{ image: '' }, 'image: \'\' is not an image reference'],
    [{ collectorImage: 'a b' }, 'collectorImage'],
  ])('invalid props %j: InvalidInputError naming the field', (props, message) => {
    expect(() => buildOperatorInstallObjects(props)).toThrow(InvalidInputError);
    expect(() => buildOperatorInstallObjects(props)).toThrow(message);
  });

  test('the default image tag is the package version (what npm run image tags)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    expect(DEFAULT_OPERATOR_IMAGE).toBe(`cdk8s-otel:${pkg.version}`);
  });
});

describe('OperatorInstall construct', () => {
  test('synthesizes the same objects next to other charts\' objects, by Kind/name', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'otel');
    const install = new OperatorInstall(chart, 'otel-operator', { watchNamespaces: ['apps'] });
    const synth = Testing.synth(chart);
    expect(synth).toEqual(buildOperatorInstallObjects({ watchNamespaces: ['apps'] }));
    expect(install.namespace).toBe('opentelemetry-operator-system');
    expect(install.serviceAccountName).toBe('opentelemetry-operator-controller-manager');
    expect(install.webhookServiceName).toBe('opentelemetry-operator-webhook-service');
    expect(Object.keys(install.objects)).toEqual(expect.arrayContaining([
      'Deployment/opentelemetry-operator-controller-manager', 'Role/apps/opentelemetry-operator-manager-role',
    ]));
    expect(install.toJson()).toEqual(synth);
  });

  test('bad props throw before the construct joins the tree', () => {
    const chart = new Chart(Testing.app(), 'otel');
    expect(() => new OperatorInstall(chart, 'op', { replicas: -1 })).toThrow(InvalidInputError);
    expect(chart.node.children).toHaveLength(0);
  });
});

describe('cdk8s-otel install and crds', () => {
  test('install prints the objects as YAML documents, flags mapped', async () => {
    const r = await cli(['install', '--namespace', 'otel', '--watch-namespace', 'a,b', '--watch-namespace', 'c', '--replicas', '2',
      '--image', 'reg/op:1', '--cert-manager', '--collector-image', 'col:2', '--service-monitor']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.out).map((d) => d.toJS());
    expect(docs).toEqual(buildOperatorInstallObjects({
      namespace: 'otel', watchNamespaces: ['a', 'b', 'c'], replicas: 2, image: 'reg/op:1', certManager: true, collectorImage: 'col:2', serviceMonitor: true,
    }));
  });

  test('install --no-crds -o json is a v1 List without CRDs', async () => {
    const r = await cli(['install', '--no-crds', '-o', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out);
    expect(list.kind).toBe('List');
    expect(list.items.some((o: Obj) => o.kind === 'CustomResourceDefinition')).toBe(false);
    expect(list.items.some((o: Obj) => o.kind === 'Deployment')).toBe(true);
  });

  test.each([
    [['install', '--replicas', 'two'], 2, '--replicas must be a whole number, got \'two\''],
    [['install', '--replicas', '0'], 1, 'replicas: must be a whole number of at least 1'],
    [['install', '--namespace', 'No'], 1, 'namespace: \'No\' is not a valid namespace name'],
    [['install', '--watch-namespace', 'a,B'], 1, 'watchNamespaces[1]'],
    [['crds', '--namespace', 'x y'], 1, 'is not a valid namespace name'],
  ])('%j exits %d with a message saying what is wrong', async (args, code, message) => {
    const r = await cli(args);
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toContain(message);
  });

  test('crds prints the three CRDs with descriptions, each under 256 KiB (client-side apply\'s annotation limit)', async () => {
    const r = await cli(['crds']);
    expect(r.code).toBe(0);
    const docs = r.out.split(/^---\n/m);
    const crds = docs.map((d) => parseDocument(d).toJS());
    expect(crds.map((c) => c.metadata.name)).toEqual([
      'opentelemetrycollectors.opentelemetry.io', 'instrumentations.opentelemetry.io', 'targetallocators.opentelemetry.io',
    ]);
    for (const [i, c] of crds.entries()) {
      expect(c.kind).toBe('CustomResourceDefinition');
      // kubectl stores the object as compact JSON in last-applied-configuration: that must fit in 256 KiB
      expect(JSON.stringify(c).length).toBeLessThan(256 * 1024);
      expect(docs[i].length).toBeLessThan(256 * 1024);
      expect(docs[i]).toContain('description:');
    }
    expect(crds[0].spec.conversion.webhook.clientConfig.service).toEqual({
      name: 'opentelemetry-operator-webhook-service', namespace: 'opentelemetry-operator-system', path: '/convert', port: 443,
    });
    expect(crds[0].spec.versions.map((v: Obj) => v.name)).toEqual(['v1alpha1', 'v1beta1']);
    const moved = parseAllDocuments((await cli(['crds', '-n', 'otel'])).out).map((d) => d.toJS());
    expect(moved[0].spec.conversion.webhook.clientConfig.service.namespace).toBe('otel');
  });
});

describe('README: Run the operator in a cluster', () => {
  test('the cdk8s snippet runs as written and synthesizes the install', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### In a cdk8s app'));
    const block = /```ts\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    const source = block![1].replace('app.synth();', 'result.objects = platform.toJson();');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('typescript');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const result: { objects?: Obj[] } = {};
    const localRequire = (id: string) => (id === 'cdk8s-otel' ? require('../../src') : require(id));
    new Function('require', 'result', 'exports', js)(localRequire, result, {});
    const objects = result.objects ?? [];
    expect(objects).toEqual(buildOperatorInstallObjects({ watchNamespaces: ['observability'], replicas: 2 }));
  });
});
