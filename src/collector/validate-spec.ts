import { InvalidInputError } from '../common/errors';
import { isValidPortNumber, portNameProblem } from './ports';
import { CollectorSpecJson } from './spec';

type Problem = { path: string; problem: string; fix: string };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The checks upstream's validating webhook makes on a collector spec (besides the config), collected in one pass.
 * Throws one `InvalidInputError` for the first problem, listing the others in its message.
 */
export function validateSpec(spec: CollectorSpecJson, mode: string, resource: string): void {
  const problems: Problem[] = [];
  const add = (path: string, problem: string, fix: string) => problems.push({ path, problem, fix });

  if (mode === 'sidecar') {
    for (const field of ['tolerations', 'priorityClassName', 'affinity', 'additionalContainers'] as const) {
      const v = spec[field];
      if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
        add(`spec.${field}`, `the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute '${field}'`,
          `remove spec.${field} or use another mode`);
      }
    }
    // only an Ingress is refused, as upstream's webhook refuses it; ingress.type route is accepted and makes no Route
    if (spec.ingress?.type === 'ingress') add('spec.ingress.type', 'the OpenTelemetry Collector mode is set to sidecar, which does not support ingress', 'remove spec.ingress or use another mode');
  }
  if (mode !== 'statefulset') {
    if (spec.volumeClaimTemplates?.length) add('spec.volumeClaimTemplates', `the OpenTelemetry Collector mode is set to ${mode}, which does not support the attribute 'volumeClaimTemplates'`, 'remove it or use mode statefulset');
    if (spec.persistentVolumeClaimRetentionPolicy) add('spec.persistentVolumeClaimRetentionPolicy', `the OpenTelemetry Collector mode is set to ${mode}, which does not support the attribute 'persistentVolumeClaimRetentionPolicy'`, 'remove it or use mode statefulset');
  }
  if (mode !== 'daemonset' && spec.daemonSetUpdateStrategy && Object.keys(spec.daemonSetUpdateStrategy).length > 0) {
    add('spec.daemonSetUpdateStrategy', `the OpenTelemetry Collector mode is set to ${mode}, which does not support the attribute 'daemonSetUpdateStrategy'`, 'remove it or use mode daemonset');
  }
  if (mode !== 'deployment' && spec.deploymentUpdateStrategy && Object.keys(spec.deploymentUpdateStrategy).length > 0) {
    add('spec.deploymentUpdateStrategy', `the OpenTelemetry Collector mode is set to ${mode}, which does not support the attribute 'deploymentUpdateStrategy'`, 'remove it or use mode deployment');
  }
  if (spec.targetAllocator?.enabled && mode !== 'statefulset' && mode !== 'daemonset') {
    add('spec.targetAllocator.enabled', `the OpenTelemetry Collector mode is set to ${mode}, which does not support the target allocation deployment`, 'use mode statefulset or daemonset, or disable the target allocator');
  }
  if (spec.replicas !== undefined && (!isInt(spec.replicas) || spec.replicas < 0)) add('spec.replicas', `must be a non-negative integer, got ${JSON.stringify(spec.replicas)}`, 'set a whole number of replicas');
  if (spec.configVersions !== undefined && (!isInt(spec.configVersions) || spec.configVersions < 1)) add('spec.configVersions', `must be an integer of at least 1, got ${JSON.stringify(spec.configVersions)}`, 'keep at least one ConfigMap version');
  if (spec.terminationGracePeriodSeconds !== undefined && (!isInt(spec.terminationGracePeriodSeconds) || spec.terminationGracePeriodSeconds < 0)) add('spec.terminationGracePeriodSeconds', 'must be a non-negative integer', 'set whole seconds');

  (spec.ports ?? []).forEach((p, i) => {
    const nameProblem = portNameProblem(String(p?.name ?? ''));
    if (nameProblem) add(`spec.ports[${i}].name`, `the port name ${nameProblem}`, 'use a DNS label of at most 15 characters, e.g. "my-port"');
    if (!isValidPortNumber(p?.port)) add(`spec.ports[${i}].port`, `the port number ${JSON.stringify(p?.port)} is not between 1 and 65535`, 'use a valid port number');
    if (p?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) add(`spec.ports[${i}].protocol`, `unknown protocol "${p.protocol}"`, 'use TCP, UDP or SCTP');
  });
  for (const [k, v] of Object.entries(spec.args ?? {})) {
    if (typeof v !== 'string') add(`spec.args.${k}`, 'must be a string', 'quote the value');
  }

  const oneOf = (field: keyof CollectorSpecJson, allowed: string[]) => {
    const v = spec[field];
    if (v !== undefined && v !== null && v !== '' && !allowed.includes(String(v))) {
      add(`spec.${String(field)}`, `unknown value "${String(v)}"`, `use one of ${allowed.join(', ')}`);
    }
  };
  oneOf('imagePullPolicy', ['Always', 'IfNotPresent', 'Never']);
  oneOf('ipFamilyPolicy', ['SingleStack', 'PreferDualStack', 'RequireDualStack']);
  oneOf('sessionAffinity', ['None', 'ClientIP']);
  oneOf('podManagementPolicy', ['OrderedReady', 'Parallel']);
  oneOf('dnsPolicy', ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']);
  oneOf('trafficDistribution', ['PreferClose', 'PreferSameZone', 'PreferSameNode']);
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!['IPv4', 'IPv6'].includes(f)) add(`spec.ipFamilies[${i}]`, `unknown IP family "${f}"`, 'use IPv4 or IPv6');
  });

  validateAutoscaler(spec, add);
  const ingress = spec.ingress;
  if (ingress?.type && !['ingress', 'route'].includes(ingress.type)) add('spec.ingress.type', `unknown ingress type "${ingress.type}"`, 'use ingress or route');
  if (ingress?.ruleType === 'subdomain' && !ingress.hostname) add('spec.ingress.hostname', 'a hostname is required when ruleType is subdomain', 'set spec.ingress.hostname');
  if (ingress?.ruleType && !['path', 'subdomain'].includes(ingress.ruleType)) add('spec.ingress.ruleType', `unknown rule type "${ingress.ruleType}"`, 'use path or subdomain');
  (spec.configmaps ?? []).forEach((cm, i) => {
    if (!cm?.name) add(`spec.configmaps[${i}].name`, 'is required', 'name the ConfigMap to mount');
  });

  if (problems.length > 0) {
    const [first, ...rest] = problems;
    throw new InvalidInputError(resource, first.path, first.problem + rest.map((p) => `; ${p.path}: ${p.problem}`).join(''), first.fix);
  }
}

function validateAutoscaler(spec: CollectorSpecJson, add: (path: string, problem: string, fix: string) => void): void {
  const a = spec.autoscaler;
  if (!a) return;
  const max = a.maxReplicas;
  const min = a.minReplicas;
  if (min !== undefined && max === undefined) add('spec.autoscaler.maxReplicas', 'spec.maxReplica must be set when spec.minReplica is set', 'set spec.autoscaler.maxReplicas');
  if (max !== undefined && (!isInt(max) || max < 1)) add('spec.autoscaler.maxReplicas', 'maxReplicas should be defined and one or more', 'set a positive maxReplicas');
  if (max !== undefined && min !== undefined && min > max) add('spec.autoscaler.minReplicas', 'minReplicas must not be greater than maxReplicas', 'lower minReplicas or raise maxReplicas');
  if (max !== undefined && spec.replicas !== undefined && spec.replicas > max) add('spec.replicas', 'replicas must not be greater than maxReplicas', 'lower replicas or raise maxReplicas');
  if (min !== undefined && (!isInt(min) || min < 1)) add('spec.autoscaler.minReplicas', 'minReplicas should be one or more', 'set a positive minReplicas');
  for (const dir of ['scaleUp', 'scaleDown']) {
    const w = a.behavior?.[dir]?.stabilizationWindowSeconds;
    if (w !== undefined && (!isInt(w) || w < 0 || w > 3600)) add(`spec.autoscaler.behavior.${dir}.stabilizationWindowSeconds`, 'should be a value between 0 and 3600', 'use a window between 0 and 3600 seconds');
  }
  (a.metrics ?? []).forEach((m: any, i: number) => {
    if (m?.type !== 'Pods') add(`spec.autoscaler.metrics[${i}].type`, 'only metrics of type Pods are supported', 'use targetCPUUtilization/targetMemoryUtilization for resource metrics');
    const t = m?.pods?.target;
    const v = t?.type === 'AverageValue' ? t.averageValue : t?.value;
    if (m?.type === 'Pods' && (v === undefined || Number.parseFloat(String(v)) <= 0)) add(`spec.autoscaler.metrics[${i}].pods.target`, 'the target value must be greater than 0', 'set a positive target');
  });
  for (const k of ['targetCPUUtilization', 'targetMemoryUtilization']) {
    const v = a[k];
    if (v !== undefined && (!isInt(v) || v < 1 || v > 99)) add(`spec.autoscaler.${k}`, 'should be greater than 0 and less than 100', 'use a percentage between 1 and 99');
  }
}
