/**
 * `cdk8s-otel crds` and `cdk8s-otel install` as a user runs them: the real CLI (a subprocess) piped into the real
 * kubectl's client-side `apply -f -` against a real kube-apiserver with RBAC. The API server accepts every object,
 * a second apply changes nothing, and the API server's own RBAC evaluation (`kubectl auth can-i --as` the
 * operator's ServiceAccount) grants what the operator needs and refuses what it does not.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { findBinary, useControlPlane } from './harness/control-plane';

const ROOT = path.resolve(__dirname, '../..');
const SA = 'system:serviceaccount:opentelemetry-operator-system:opentelemetry-operator-controller-manager';

function cdk8sOtel(args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin/cdk8s-otel'), ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('cdk8s-otel crds and install on a real API server', () => {
  const cluster = useControlPlane({}, 'install');
  const kubectlBin = findBinary('kubectl');
  const kubectl = (args: string[], input?: string): string => {
    if (!kubectlBin) throw new Error('kubectl is not built (scripts/build-control-plane.sh kubectl)');
    return execFileSync(kubectlBin, ['--kubeconfig', cluster.cp.kubeconfigPath, ...args], { encoding: 'utf8', input, timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
  };
  const can = (verb: string, resource: string, extra: string[] = []): boolean => {
    try {
      return kubectl(['auth', 'can-i', verb, resource, '--as', SA, ...extra]).trim() === 'yes';
    } catch (e) {
      // can-i exits 1 when the answer is no
      if ((e as { status?: number }).status === 1) return false;
      throw e;
    }
  };

  test('crds: accepted by client-side kubectl apply, Established, unchanged on a second apply', () => {
    const crds = cdk8sOtel(['crds']);
    const first = kubectl(['apply', '-f', '-'], crds);
    expect(first.trim().split('\n').sort()).toEqual([
      'customresourcedefinition.apiextensions.k8s.io/instrumentations.opentelemetry.io created',
      'customresourcedefinition.apiextensions.k8s.io/opentelemetrycollectors.opentelemetry.io created',
      'customresourcedefinition.apiextensions.k8s.io/targetallocators.opentelemetry.io created',
    ]);
    kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/opentelemetrycollectors.opentelemetry.io',
      'crd/instrumentations.opentelemetry.io', 'crd/targetallocators.opentelemetry.io']);
    const second = kubectl(['apply', '-f', '-'], crds);
    expect(second.trim().split('\n').every((l) => l.endsWith(' unchanged'))).toBe(true);
    // descriptions are kept (kubectl explain reads them from the published schema)
    const explained = kubectl(['get', 'crd', 'opentelemetrycollectors.opentelemetry.io', '-o', 'jsonpath={.spec.versions[1].schema.openAPIV3Schema.properties.spec.properties.mode.description}']);
    expect(explained.length).toBeGreaterThan(10);
  });

  test('install: every object accepted, a second apply changes no object on the server', () => {
    const manifest = cdk8sOtel(['install']);
    const first = kubectl(['apply', '-f', '-'], manifest);
    const lines = first.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'namespace/opentelemetry-operator-system created',
      'deployment.apps/opentelemetry-operator-controller-manager created',
      'service/opentelemetry-operator-webhook-service created',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/opentelemetry-operator-mutating-webhook-configuration created',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/opentelemetry-operator-validating-webhook-configuration created',
      'poddisruptionbudget.policy/opentelemetry-operator-controller-manager created',
    ]));
    expect(lines).toHaveLength(manifest.split(/^---$/m).length);
    // kubectl says "configured" for a PodDisruptionBudget and the webhook configurations every time (their selectors
    // are patched with strategy replace), so what counts is the server: no object got a new resourceVersion
    const versions = () => kubectl(['get', '-f', '-', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}'], manifest);
    const before = versions();
    kubectl(['apply', '-f', '-'], manifest);
    expect(versions()).toBe(before);
    expect(before.trim().split('\n')).toHaveLength(lines.length);
    expect(kubectl(['get', 'deploy', '-n', 'opentelemetry-operator-system', 'opentelemetry-operator-controller-manager', '-o', 'jsonpath={.metadata.generation}'])).toBe('1');
  });

  test('the API server grants the operator what it needs, and no more', () => {
    expect(can('create', 'deployments.apps', ['-n', 'any-namespace'])).toBe(true);
    expect(can('update', 'opentelemetrycollectors.opentelemetry.io/status', ['-n', 'x'])).toBe(true);
    expect(can('list', 'namespaces')).toBe(true);
    expect(can('create', 'subjectaccessreviews.authorization.k8s.io')).toBe(true);
    expect(can('create', 'clusterroles.rbac.authorization.k8s.io')).toBe(true);
    expect(can('update', 'leases.coordination.k8s.io', ['-n', 'opentelemetry-operator-system'])).toBe(true);
    expect(can('create', 'secrets', ['-n', 'opentelemetry-operator-system'])).toBe(true);
    expect(can('patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/opentelemetry-operator-mutating-webhook-configuration')).toBe(true);
    expect(can('patch', 'customresourcedefinitions.apiextensions.k8s.io/opentelemetrycollectors.opentelemetry.io')).toBe(true);
    expect(can('list', 'endpointslices.discovery.k8s.io', ['-n', 'default'])).toBe(true);
    // not: other secrets, other webhooks or CRDs, writing pods, leases elsewhere
    expect(can('get', 'secrets', ['-n', 'default'])).toBe(false);
    expect(can('patch', 'mutatingwebhookconfigurations.admissionregistration.k8s.io/someone-else')).toBe(false);
    expect(can('patch', 'customresourcedefinitions.apiextensions.k8s.io/instrumentations.opentelemetry.io')).toBe(false);
    expect(can('create', 'pods', ['-n', 'default'])).toBe(false);
    expect(can('update', 'leases.coordination.k8s.io', ['-n', 'default'])).toBe(false);
    expect(can('list', 'endpointslices.discovery.k8s.io', ['-n', 'kube-system'])).toBe(false);
  });

  test('--watch-namespace: Roles in the watched namespaces only; other namespaces are out of reach', () => {
    kubectl(['create', 'namespace', 'team-a']);
    const manifest = cdk8sOtel(['install', '--watch-namespace', 'team-a', '--no-crds', '--replicas', '2']);
    kubectl(['apply', '-f', '-'], manifest);
    expect(can('create', 'deployments.apps', ['-n', 'team-a'])).toBe(true);
    expect(can('update', 'opentelemetrycollectors.opentelemetry.io/status', ['-n', 'team-a'])).toBe(true);
    expect(can('create', 'deployments.apps', ['-n', 'team-b'])).toBe(false);
    expect(can('list', 'opentelemetrycollectors.opentelemetry.io', ['-n', 'team-b'])).toBe(false);
    expect(can('list', 'namespaces')).toBe(true);
    const replicas = kubectl(['get', 'deploy', '-n', 'opentelemetry-operator-system', 'opentelemetry-operator-controller-manager', '-o', 'jsonpath={.spec.replicas}']);
    expect(replicas).toBe('2');
  });
});
