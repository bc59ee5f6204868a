import { lookupFromObjects } from '../../../src/instrumentation/lookup';
import { InstrumentationMutatorOptions, mutatePodInstrumentation } from '../../../src/instrumentation/mutator';
import { Container, InstrumentationResource, InstrumentationSpec, MetaObject, Pod } from '../../../src/instrumentation/types';

export const NS = 'shop';
export const P = 'instrumentation.opentelemetry.io/';

export function instrumentation(name: string, spec: InstrumentationSpec = {}, namespace = NS): InstrumentationResource {
  return { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name, namespace }, spec };
}

/** A pod of Deployment `app` (ReplicaSet `app-5d9f`), with the given annotations and containers. */
export function deploymentPod(annotations: { [k: string]: string }, containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: 'app-5d9f-', namespace: NS, annotations, labels: { app: 'app' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-5d9f', controller: true }],
    },
    spec: { containers, ...extra },
  };
}

export const OWNERS: MetaObject[] = [
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'app-5d9f', namespace: NS, uid: 'rs-uid',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', uid: 'dep-uid' }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: NS, uid: 'dep-uid' } },
];

export const ALL_ON: InstrumentationMutatorOptions = { enabledLanguages: { go: true, nginx: true } };

export function mutate(pod: Pod, objects: MetaObject[], options: InstrumentationMutatorOptions = ALL_ON) {
  return mutatePodInstrumentation(pod, lookupFromObjects([...objects, ...OWNERS], NS), options);
}

export function container(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: `registry.example.com/${name}:1.0`, ...extra };
}

export function envNames(c: Container): string[] {
  return (c.env ?? []).map((e) => e.name);
}

export function envMap(c: Container): { [name: string]: string | undefined } {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
}

export function named(list: Container[] | undefined, name: string): Container {
  const c = (list ?? []).find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in ${(list ?? []).map((x) => x.name).join(',')}`);
  return c;
}
