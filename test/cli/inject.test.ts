import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import { runInject } from '../../src/cli/inject';

function io(stdinText = '') {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdin: Readable.from([stdinText]), stdout: (t: string) => { out.push(t); }, stderr: (t: string) => { err.push(t); } },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const INPUT = `
apiVersion: opentelemetry.io/v1alpha1
kind: Instrumentation
metadata: { name: java, namespace: shop }
spec:
  exporter: { endpoint: http://collector:4318 }
  propagators: [tracecontext, baggage]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  selector: { matchLabels: { app: cart } }
  template:
    metadata:
      labels: { app: cart }
      annotations: { instrumentation.opentelemetry.io/inject-java: "true" }
    spec:
      containers:
      - name: app
        image: registry.example.com/cart:1.4.2
`;

function writeTemp(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inject-')), 'in.yaml');
  fs.writeFileSync(file, text);
  return file;
}

describe('cdk8s-otel inject', () => {
  test('prints the Deployment pod as its ReplicaSet creates it, instrumented', async () => {
    const t = io();
    expect(await runInject({ file: writeTemp(INPUT) }, t.io)).toBe(0);
    const [pod] = parseAllDocuments(t.out()).map((d) => d.toJS());
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.generateName).toMatch(/^cart-[bcdfghjklmnpqrstvwxz2456789]+-$/);
    const rsName = pod.metadata.generateName.slice(0, -1);
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env.OTEL_SERVICE_NAME).toBe('cart');
    expect(env.JAVA_TOOL_OPTIONS).toBe(' -javaagent:/otel-auto-instrumentation-java-app/javaagent.jar');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.deployment.name=cart');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain(`k8s.replicaset.name=${rsName}`);
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('service.version=1.4.2');
    expect(pod.spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['opentelemetry-auto-instrumentation-java']);
    expect(t.err()).toBe('');
  });

  test('printed pods can be applied: owner references without a uid are left out (issue 14 #15)', async () => {
    const withUids = `${INPUT}---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: shop, uid: 6f1e2d3c-0000-4000-8000-000000000001 }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent }, annotations: { instrumentation.opentelemetry.io/inject-java: "true" } }
    spec: { containers: [{ name: app, image: agent:1 }] }
`;
    const t = io();
    expect(await runInject({ file: writeTemp(withUids) }, t.io)).toBe(0);
    const [deploymentPod, daemonSetPod] = parseAllDocuments(t.out()).map((d) => d.toJS());
    // the ReplicaSet does not exist yet: no reference, but its name still drives the resource attributes
    expect(deploymentPod.metadata.ownerReferences).toBeUndefined();
    expect(deploymentPod.metadata.generateName).toMatch(/^cart-[bcdfghjklmnpqrstvwxz2456789]+-$/);
    const env = Object.fromEntries(deploymentPod.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.replicaset.name=cart-');
    // a workload given with its uid keeps the complete reference
    expect(daemonSetPod.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent',
      uid: '6f1e2d3c-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }]);
  });

  test('reads standard input with -f - and prints JSON as a List', async () => {
    const t = io(INPUT);
    expect(await runInject({ file: '-', output: 'json' }, t.io)).toBe(0);
    const list = JSON.parse(t.out());
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(1);
  });

  test('an unknown output format is a usage error (exit 2)', async () => {
    const t = io();
    expect(await runInject({ file: writeTemp(INPUT), output: 'xml' }, t.io)).toBe(2);
    expect(t.err()).toContain('-o/--output must be one of yaml, json');
  });

  test('a missing file is a usage error (exit 2)', async () => {
    const t = io();
    expect(await runInject({ file: '/nonexistent/in.yaml' }, t.io)).toBe(2);
    expect(t.err()).toContain('file not found');
  });

  test('broken YAML is invalid input (exit 1) naming the document', async () => {
    const t = io();
    expect(await runInject({ file: writeTemp(`${INPUT}\n---\nkind: [unclosed\n`) }, t.io)).toBe(1);
    expect(t.err()).toMatch(/document 3: line \d+: invalid YAML/);
  });

  test('an object without a name is invalid input naming the field', async () => {
    const t = io();
    expect(await runInject({ file: writeTemp('apiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {containers: [{name: a}]}\n') }, t.io)).toBe(1);
    expect(t.err()).toContain('metadata.name: is missing');
  });

  test('a file without workloads is invalid input', async () => {
    const t = io();
    expect(await runInject({ file: writeTemp(INPUT.split('---')[0]) }, t.io)).toBe(1);
    expect(t.err()).toContain('no workloads found');
  });

  test('a pod the webhook would leave unchanged is printed unchanged with a warning and exit 0 (the webhook admits it); --strict exits 1 and prints nothing', async () => {
    const t = io();
    const noInstrumentation = INPUT.split('---')[1];
    expect(await runInject({ file: writeTemp(noInstrumentation) }, t.io)).toBe(0);
    expect(t.err()).toContain('warning: Deployment shop/cart: instrumentation.opentelemetry.io/inject-java: no OpenTelemetry Instrumentation instances available');
    const [pod] = parseAllDocuments(t.out()).map((d) => d.toJS());
    expect(pod.spec.initContainers).toBeUndefined();
    const strict = io();
    expect(await runInject({ file: writeTemp(noInstrumentation), strict: true }, strict.io)).toBe(1);
    expect(strict.out()).toBe('');
    expect(strict.err()).toContain('--strict: 1 warning(s) above');
  });

  test('go is off by default (a warning event), and --enable go turns it on', async () => {
    const goInput = INPUT.replace('inject-java: "true"', 'inject-go: "true", instrumentation.opentelemetry.io/otel-go-auto-target-exe: /app');
    const off = io();
    expect(await runInject({ file: writeTemp(goInput) }, off.io)).toBe(0);
    expect(off.err()).toContain('InstrumentationRequestRejected');
    // the note names the CLI's own switch, not the operator's flag (issue 14 #14)
    expect(off.err()).toContain('warning: Deployment shop/cart: support for Go auto instrumentation is not enabled (run inject with --enable go)');
    expect(off.err()).not.toContain('--enable-go-instrumentation');
    expect(off.out()).not.toContain('opentelemetry-auto-instrumentation');
    const on = io();
    expect(await runInject({ file: writeTemp(goInput), enable: ['go'] }, on.io)).toBe(0);
    expect(on.out()).toContain('name: opentelemetry-auto-instrumentation');
  });

  test('an unknown --enable language is a usage error', async () => {
    const t = io();
    expect(await runInject({ file: writeTemp(INPUT), enable: ['cobol'] }, t.io)).toBe(2);
  });
});
