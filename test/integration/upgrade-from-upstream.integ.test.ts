/**
 * Switching an upstream install to ours, as the README tells an upstream user: a cluster holding what upstream's
 * release manifest (`kubectl apply -f opentelemetry-operator.yaml`, the v0.86.0 one of upstream's e2e-upgrade
 * suite, with the CRDs of today) and upstream's operator made: a collector resource and its Deployment, Service,
 * ConfigMap and ServiceAccount with running pods. Then `cdk8s-otel install | kubectl apply -f -`:
 *  - every object is accepted, the operator's Deployment is updated in place (same uid: selector and names are
 *    upstream's), upstream's kube-rbac-proxy container and cert-manager annotations are gone (kubectl's
 *    last-applied configuration removes them), the webhooks are ours;
 *  - the collector resource and everything made for it stay as they were: same uid, resourceVersion, generation,
 *    the same pods.
 * What this cannot show yet: our running operator adopting those objects (it is not on this branch).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { renderForTestCluster, UPSTREAM_E2E } from './fixtures';
import { findBinary, KubeObject, useControlPlane } from './harness/control-plane';

const ROOT = path.resolve(__dirname, '../..');
const NS = 'opentelemetry-operator-system';
const APP_NS = 'observability';

/** Upstream's v0.86.0 release manifest without its CRDs (today's are applied instead) and without cert-manager's kinds. */
function upstreamInstall(): string {
  const text = fs.readFileSync(path.join(UPSTREAM_E2E, 'e2e-upgrade/upgrade-test/opentelemetry-operator-v0.86.0.yaml'), 'utf8');
  return text.split(/^---\s*$/m)
    .filter((doc) => /^kind: /m.test(doc))
    .filter((doc) => !/^kind: (CustomResourceDefinition|Certificate|Issuer)\s*$/m.test(doc))
    .join('---\n');
}

const collector: KubeObject = {
  apiVersion: 'opentelemetry.io/v1beta1',
  kind: 'OpenTelemetryCollector',
  metadata: { name: 'simplest', namespace: APP_NS },
  spec: {
    config: {
      receivers: { otlp: { protocols: { grpc: {}, http: {} } } },
      exporters: { debug: {} },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
    },
  },
};

describe('cdk8s-otel install over an upstream install', () => {
  const cluster = useControlPlane({ withControllers: true, nodes: 1 }, 'upgrade from upstream');
  const kubectlBin = findBinary('kubectl');
  const kubectl = (args: string[], input?: string): string => {
    if (!kubectlBin) throw new Error('kubectl is not built (scripts/build-control-plane.sh kubectl)');
    return execFileSync(kubectlBin, ['--kubeconfig', cluster.cp.kubeconfigPath, ...args], {
      encoding: 'utf8', input, timeout: 120_000, stdio: ['pipe', 'pipe', 'pipe'],
    });
  };
  const getJson = (args: string[]): any => JSON.parse(kubectl(['get', ...args, '-o', 'json']));
  const cdk8sOtel = (args: string[]) => execFileSync(process.execPath, [path.join(ROOT, 'bin/cdk8s-otel'), ...args], { encoding: 'utf8', timeout: 120_000 });

  /** What must not change: uid, resourceVersion and generation of the collector's objects, and its pods. */
  const collectorState = () => {
    const objects = ['opentelemetrycollector/simplest', 'deployment/simplest-collector', 'service/simplest-collector',
      'serviceaccount/simplest-collector', 'poddisruptionbudget/simplest-collector'].map((ref) => {
      const o = getJson(['-n', APP_NS, ref]);
      return `${ref} ${o.metadata.uid} ${o.metadata.resourceVersion} ${o.metadata.generation ?? ''}`;
    });
    const pods = getJson(['-n', APP_NS, 'pods', '-l', 'app.kubernetes.io/instance=observability.simplest']).items
      .map((p: any) => `pod ${p.metadata.uid} ${p.status.phase}`);
    return [...objects, ...pods];
  };

  let before: string[];
  let operatorUid: string;

  beforeAll(async () => {
    const client = cluster.client;
    // the CRDs of today (upstream's have the same names, versions and conversion service), then the collector and
    // what upstream's operator made for it, owned by it, written by controller-runtime's field manager
    kubectl(['apply', '-f', '-'], cdk8sOtel(['crds']));
    kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/opentelemetrycollectors.opentelemetry.io']);
    kubectl(['create', 'namespace', APP_NS]);
    const cr = await client.apply(collector, { fieldManager: 'kubectl-client-side-apply' });
    for (const o of renderForTestCluster(collector)) {
      const refs = (o.metadata.ownerReferences ?? []).map((r) => ({ ...r, uid: cr.metadata.uid as string }));
      await client.apply({ ...o, metadata: { ...o.metadata, ...(refs.length ? { ownerReferences: refs } : {}) } }, { fieldManager: 'manager' });
    }
    await client.waitFor('the collector pod Running', async () => {
      const pods = getJson(['-n', APP_NS, 'pods', '-l', 'app.kubernetes.io/instance=observability.simplest']).items;
      return pods.length === 1 && pods[0].status.phase === 'Running';
    }, 120_000);
    // upstream's release manifest, as its README says to install it; cert-manager had made the serving Secret
    kubectl(['apply', '-f', '-'], upstreamInstall());
    kubectl(['create', 'secret', 'generic', '-n', NS, 'opentelemetry-operator-controller-manager-service-cert',
      '--from-literal=tls.crt=upstream', '--from-literal=tls.key=upstream']);
    kubectl(['annotate', 'secret', '-n', NS, 'opentelemetry-operator-controller-manager-service-cert', 'cert-manager.io/certificate-name=opentelemetry-operator-serving-cert']);
    const deployment = getJson(['-n', NS, 'deployment/opentelemetry-operator-controller-manager']);
    expect(deployment.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['manager', 'kube-rbac-proxy']);
    operatorUid = deployment.metadata.uid;
    before = collectorState();

    kubectl(['apply', '-f', '-'], cdk8sOtel(['install']));
  }, 300_000);

  test('the operator Deployment is updated in place: same object, our container only, hardened', () => {
    const d = getJson(['-n', NS, 'deployment/opentelemetry-operator-controller-manager']);
    expect(d.metadata.uid).toBe(operatorUid);
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'opentelemetry-operator', 'control-plane': 'controller-manager' });
    const pod = d.spec.template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['manager']);
    expect(pod.containers[0].args[0]).toBe('operator');
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  test('the webhooks are ours, without cert-manager annotations, at the same Service', () => {
    const m = getJson(['mutatingwebhookconfiguration', 'opentelemetry-operator-mutating-webhook-configuration']);
    expect(m.webhooks.map((w: any) => w.name)).toEqual(['minstrumentation.kb.io', 'mopentelemetrycollectorbeta.kb.io', 'mpod.kb.io']);
    expect(m.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBeUndefined();
    const v = getJson(['validatingwebhookconfiguration', 'opentelemetry-operator-validating-webhook-configuration']);
    expect(v.webhooks.map((w: any) => w.name)).toEqual([
      'vinstrumentationcreateupdate.kb.io', 'vinstrumentationdelete.kb.io',
      'vopentelemetrycollectorcreateupdatebeta.kb.io', 'vopentelemetrycollectordeletebeta.kb.io',
    ]);
    for (const w of [...m.webhooks, ...v.webhooks]) expect(w.clientConfig.service.name).toBe('opentelemetry-operator-webhook-service');
  });

  test('the collector resource and everything made for it are untouched, pods included', () => {
    expect(collectorState()).toEqual(before);
    expect(before.filter((l) => l.startsWith('pod ')).length).toBe(1);
  });

  test('the README cleanup leaves no upstream leftovers', () => {
    // upstream's kube-rbac-proxy RBAC has no counterpart in our install; the README's step 4 removes it
    kubectl(['delete', 'clusterrolebinding', 'opentelemetry-operator-proxy-rolebinding']);
    kubectl(['delete', 'clusterrole', 'opentelemetry-operator-proxy-role']);
    kubectl(['delete', '-n', NS, 'secret', 'opentelemetry-operator-controller-manager-service-cert']);
    const ours = new Set(cdk8sOtel(['install', '--no-crds']).split(/^---\s*$/m).map((d) => parse(d)).filter(Boolean)
      .map((o: any) => `${o.kind}/${o.metadata.name}`));
    const clusterRbac = getJson(['clusterroles,clusterrolebindings', '-l', 'app.kubernetes.io/name=opentelemetry-operator']).items
      .map((o: any) => `${o.kind}/${o.metadata.name}`);
    expect(clusterRbac.filter((k: string) => !ours.has(k))).toEqual([]);
    const namespaced = getJson(['-n', NS, 'roles,rolebindings,services,deployments,serviceaccounts', '-l', 'app.kubernetes.io/name=opentelemetry-operator']).items
      .map((o: any) => `${o.kind}/${o.metadata.name}`);
    expect(namespaced.filter((k: string) => !ours.has(k))).toEqual([]);
  });
});
