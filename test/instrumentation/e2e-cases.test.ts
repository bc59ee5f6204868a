import * as fs from 'node:fs';
import * as path from 'node:path';
import { KubeObject } from '../../src/common/kube';
import { lookupFromObjects } from '../../src/instrumentation/lookup';
import { MetaObject } from '../../src/instrumentation/types';
import { podForWorkload, POD_WORKLOAD_KINDS } from '../../src/instrumentation/workloads';
import { mutatePod } from '../../src/webhook/pod-mutator';
import { apiServerAdmit, matchAssert, readDocs, readSteps, substituteBindings, TEST_NAMESPACE, UPSTREAM_E2E } from './support/chainsaw';

/**
 * Upstream's e2e cases, statically: the objects of the install steps are served by a lookup, each app
 * workload becomes the pod its controller would create, the webhook mutation runs (with the e2e suite's
 * operator flags: every language on), and the Pods of the step's assert file must match one mutated pod.
 */

const BINDINGS = { APP_IMAGE: 'ghcr.io/open-telemetry/opentelemetry-operator/e2e-test-app-python:main' };
const ALL_LANGUAGES = { go: true, nginx: true };

interface PodAssertCase {
  readonly folder: string;
  readonly caseName: string;
  readonly test: string;
  readonly step: string;
  readonly assertFile: string;
  readonly run: (mutate?: boolean) => string[];
}

function collectCases(folder: string, only?: string[]): PodAssertCase[] {
  const root = path.join(UPSTREAM_E2E, folder);
  const cases: PodAssertCase[] = [];
  for (const caseName of fs.readdirSync(root).sort()) {
    if (only && !only.includes(caseName)) continue;
    const dir = path.join(root, caseName);
    const tests = readDocs(path.join(dir, 'chainsaw-test.yaml')).map((t) => (t.metadata as { name: string }).name);
    for (const test of tests) {
      const steps = readSteps(dir, test);
      const applied: string[] = [];
      const jobsFromCronJobs: Array<[string, string]> = [];
      for (const step of steps) {
        applied.push(...step.applies);
        for (const args of step.commands) {
          // `--from=cronjob/X` or `--from cronjob/X`
          const from = args.join(' ').match(/--from[= ]cronjob\/(\S+)/);
          if (args.includes('create') && args.includes('job') && from) jobsFromCronJobs.push([from[1], args[args.length - 1]]);
        }
        for (const assertFile of step.asserts) {
          const pods = readDocs(assertFile).filter((d) => d.kind === 'Pod');
          if (pods.length === 0) continue;
          if (pods.every((p) => p.spec === undefined)) {
            // Only metadata and status: what it checks is that the pod runs, which needs a cluster.
            STATUS_ONLY.push(`${folder}/${caseName} ${test} ${path.relative(root, assertFile)}`);
            continue;
          }
          const files = [...applied];
          const jobs = [...jobsFromCronJobs];
          cases.push({
            folder, caseName, test, step: step.name, assertFile: path.relative(root, assertFile),
            run: (mutate = true) => runCase(files, pods, test.endsWith('-native'), jobs, mutate),
          });
        }
      }
    }
  }
  return cases;
}

function runCase(files: string[], expectedPods: Array<{ [k: string]: unknown }>, native: boolean,
  jobsFromCronJobs: Array<[string, string]>, mutate: boolean): string[] {
  // Later applies replace earlier objects of the same kind/namespace/name, as kubectl apply would.
  const objects = new Map<string, MetaObject>();
  for (const f of files) {
    for (const raw of readDocs(f)) {
      const doc = substituteBindings(raw, BINDINGS) as MetaObject;
      const ns = doc.metadata?.namespace ?? TEST_NAMESPACE;
      objects.set(`${doc.kind}/${ns}/${doc.metadata?.name}`, { ...doc, metadata: { ...doc.metadata, namespace: doc.kind === 'Namespace' ? undefined : ns } });
    }
  }
  // `kubectl create job --from=cronjob/X NAME`: a Job owned by the CronJob, from its jobTemplate.
  for (const [cronJob, jobName] of jobsFromCronJobs) {
    const cj = objects.get(`CronJob/${TEST_NAMESPACE}/${cronJob}`);
    if (!cj) continue;
    const jobSpec = (cj.spec as { jobTemplate?: { spec?: unknown } }).jobTemplate?.spec;
    objects.set(`Job/${TEST_NAMESPACE}/${jobName}`, {
      apiVersion: 'batch/v1', kind: 'Job', spec: jobSpec,
      metadata: { name: jobName, namespace: TEST_NAMESPACE, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob }] },
    });
  }
  const all = [...objects.values()];
  const workloads = all.filter((o) => POD_WORKLOAD_KINDS.includes(o.kind ?? ''));
  const built = workloads.map((w) => podForWorkload(w, TEST_NAMESPACE)!);
  const lookup = lookupFromObjects([...all, ...built.flatMap((b) => b.owners)], TEST_NAMESPACE);
  // e2e namespaces have no TLS objects in the lookup only when the case does not create them.
  const mutated = built.map((b) => {
    const pod = JSON.parse(JSON.stringify(b.pod));
    apiServerAdmit(pod, 'before');
    const result = mutate
      ? mutatePod(pod as KubeObject, lookup, { enabledLanguages: ALL_LANGUAGES, nativeSidecars: native })
      : { pod, errors: [] as string[] };
    const out = JSON.parse(JSON.stringify(result.pod));
    apiServerAdmit(out, 'after');
    return { out, errors: result.errors };
  });
  const problems: string[] = [];
  for (const expected of expectedPods) {
    const { status: _status, ...withoutStatus } = expected;
    const attempts = mutated.map((m) => matchAssert(m.out, withoutStatus, 'Pod'));
    if (attempts.some((a) => a.length === 0)) continue;
    if (process.env.E2E_DEBUG) console.log(JSON.stringify(attempts, null, 1));
    const best = attempts.reduce((a, b) => (b.length < a.length ? b : a), attempts[0] ?? ['no pods were built']);
    const errs = mutated.flatMap((m) => m.errors);
    problems.push(`${(expected.metadata as { name?: string })?.name ?? JSON.stringify((expected.metadata as { labels?: unknown })?.labels)}: ${best.join('; ')}${errs.length ? ` [mutation errors: ${errs.join(' | ')}]` : ''}`);
  }
  return problems;
}

/** Pod asserts that check only metadata and status (a running pod): not checkable statically. */
const STATUS_ONLY: string[] = [];

const FOLDERS: Array<[string, string[]?]> = [
  ['e2e-instrumentation'],
  ['e2e-multi-instrumentation'],
  ['e2e-sidecar'],
  ['e2e', ['env-vars', 'use-labels-for-resource-attributes']],
];

for (const [folder, only] of FOLDERS) {
  describe(`upstream ${folder}`, () => {
    const cases = collectCases(folder, only);
    test.each(cases.map((c) => [`${c.test} ${c.step} ${c.assertFile}`, c] as const))('%s', (_name, c) => {
      expect(c.run()).toEqual([]);
    });
    // The asserts must be able to fail: without the webhook the app pods do not match them
    // (multi-no-containers asserts that nothing is injected, so an unmutated pod is its expected result).
    test.each(cases.filter((c) => !c.caseName.includes('multi-no-containers')).map((c) => [`${c.test} ${c.step}`, c] as const))(
      'without mutation %s does not match', (_name, c) => {
        expect(c.run(false)).not.toEqual([]);
      });
  });
}

test('pod asserts that only check a running pod are listed, not silently passed', () => {
  expect(STATUS_ONLY.sort()).toEqual([
    'e2e-instrumentation/instrumentation-apache-httpd instrumentation-apache-httpd instrumentation-apache-httpd/02-assert-nodeip.yaml',
    'e2e-instrumentation/instrumentation-nginx instrumentation-nginx instrumentation-nginx/02-assert-nodeip.yaml',
  ]);
});
