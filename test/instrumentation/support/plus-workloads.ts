/**
 * The cdk8s-plus (L2) workloads users write, with the fields build-time injection must leave alone: ports,
 * the three probes (the startup probe is cdk8s-plus's default from `portNumber`), resources, env, mounts,
 * security contexts. Shared by the unit test of build-time injection and the integration test that applies
 * the injected workloads to a real API server.
 */
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';

export const PLUS_WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type PlusWorkloadKind = (typeof PLUS_WORKLOAD_KINDS)[number];

type Json = { [k: string]: any };

function containerProps(): kplus.ContainerProps {
  return {
    name: 'app',
    image: 'registry.example.com/shop/app:1.4.2',
    portNumber: 8080,
    readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080, periodSeconds: Duration.seconds(7) }),
    liveness: kplus.Probe.fromTcpSocket({ port: 8080, failureThreshold: 5 }),
    resources: {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(750) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
    },
    envVariables: { MODE: kplus.EnvValue.fromValue('production') },
    securityContext: { user: 1000, group: 3000 },
  };
}

/** Adds one workload of `kind` named `name`, with a container `app` and a cache volume mounted at /cache. */
export function addPlusWorkload(scope: Chart, kind: PlusWorkloadKind, name: string): kplus.AbstractPod {
  const metadata = { name };
  const containers = [containerProps()];
  let workload: kplus.AbstractPod;
  switch (kind) {
    case 'Deployment': workload = new kplus.Deployment(scope, name, { metadata, replicas: 1, containers }); break;
    case 'StatefulSet': workload = new kplus.StatefulSet(scope, name, { metadata, replicas: 1, containers }); break;
    case 'DaemonSet': workload = new kplus.DaemonSet(scope, name, { metadata, containers }); break;
    case 'Job': workload = new kplus.Job(scope, name, { metadata, backoffLimit: 2, containers }); break;
    case 'CronJob': workload = new kplus.CronJob(scope, name, { metadata, schedule: Cron.daily(), containers }); break;
  }
  workload.containers[0].mount('/cache', kplus.Volume.fromEmptyDir(scope, `${name}-cache`, 'cache'));
  return workload;
}

/**
 * Synthesizes one chart with a workload of every kind, calling `inject` on each (nothing when it is omitted).
 * Returns the synthesized objects of the chart.
 */
export function synthPlusWorkloads(namespace: string, inject?: (chart: Chart, workload: IConstruct, kind: PlusWorkloadKind) => void): Json[] {
  const app = new App();
  const chart = new Chart(app, 'plus', { namespace });
  for (const kind of PLUS_WORKLOAD_KINDS) {
    const workload = addPlusWorkload(chart, kind, `shop-${kind.toLowerCase()}`);
    inject?.(chart, workload, kind);
  }
  return chart.toJson() as Json[];
}

/** The pod template of a synthesized workload. */
export function podTemplateOf(obj: Json): Json {
  return obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec.template : obj.spec.template;
}
