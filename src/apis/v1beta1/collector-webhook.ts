/**
 * The checks of upstream's validating webhook for OpenTelemetryCollector v1beta1 that need nothing but the
 * object (messages verbatim: e2e tests match them), the embedded target allocator's Prometheus config check
 * included. Not here: RBAC reviews and FIPS (they need the cluster), which the runtime adds.
 */
import { InvalidInputError } from '../../common/errors';
import { describeObject } from '../../common/kube';
import type { OpenTelemetryCollector, ProbeSpec } from './collector-types';
import { validateCollectorForTargetAllocator } from './target-allocator-config';

export interface CollectorValidationResult {
  /** Admission warnings (the request is still allowed). */
  readonly warnings: string[];
}

const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Kubernetes' IsValidPortName: at most 15 characters, lowercase alphanumerics and '-', at least one letter, no '--'. */
function portNameErrors(name: string | undefined): string[] {
  const n = name ?? '';
  const errs: string[] = [];
  if (n.length < 1 || n.length > 15) errs.push('must be no more than 15 characters');
  if (!PORT_NAME.test(n)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (n.includes('--')) errs.push('must not contain consecutive hyphens');
  if (!/[a-z]/.test(n)) errs.push('must contain at least one letter (a-z)');
  return errs;
}

function nullComponents(config: { [section: string]: unknown }): string[] {
  const out: string[] = [];
  for (const section of ['receivers', 'exporters', 'processors', 'extensions', 'connectors']) {
    const comps = config[section];
    if (comps && typeof comps === 'object') {
      for (const [id, v] of Object.entries(comps)) if (v === null) out.push(`${section}.${id}:`);
    }
  }
  return out.sort();
}

function probeError(probeName: string, probe: ProbeSpec | undefined): string | undefined {
  if (!probe) return undefined;
  const checks: Array<[keyof ProbeSpec, number]> = [
    ['initialDelaySeconds', 0], ['periodSeconds', 1], ['timeoutSeconds', 1], ['successThreshold', 1],
    ['failureThreshold', 1], ['terminationGracePeriodSeconds', 1],
  ];
  for (const [field, min] of checks) {
    const v = probe[field];
    if (v !== undefined && v < min) {
      const goName = field[0].toUpperCase() + field.slice(1);
      const bound = min === 0 ? 'greater than or equal to 0' : 'greater than or equal to 1';
      return `the OpenTelemetry Spec ${probeName} ${goName} configuration is incorrect. ${goName} should be ${bound}`;
    }
  }
  return undefined;
}

/**
 * Upstream's `ValidatePorts`, shared by the collector and the TargetAllocator webhooks: every `spec.ports` entry needs
 * a valid port name and number. Throws `InvalidInputError` with upstream's message for the first bad one.
 */
export function validatePorts(
  resource: { kind?: string; metadata?: { name?: string; namespace?: string } },
  ports: ReadonlyArray<{ readonly name?: string; readonly port: number }> | undefined,
): void {
  (ports ?? []).forEach((p, i) => {
    const nameErrs = portNameErrors(p.name);
    const numOk = Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535;
    if (nameErrs.length > 0 || !numOk) {
      throw new InvalidInputError(describeObject(resource), `spec.ports[${i}]`,
        `the OpenTelemetry Spec Ports configuration is incorrect, port name '${p.name ?? ''}' errors: [${nameErrs.join(' ')}], num '${p.port}' errors: [${numOk ? '' : 'must be between 1 and 65535, inclusive'}]`,
        'use a DNS-label port name of at most 15 characters and a port between 1 and 65535');
    }
  });
}

/**
 * Validates a defaulted collector like upstream's webhook. Throws `InvalidInputError` with upstream's message on
 * the first problem; returns the warnings otherwise. Pass `old` on update (the mode cannot change).
 */
export function validateCollectorSemantics(cr: OpenTelemetryCollector, old?: OpenTelemetryCollector): CollectorValidationResult {
  const spec = cr.spec;
  const mode = spec.mode ?? 'deployment';
  const resource = describeObject(cr);
  const fail = (path: string, message: string, fix: string): never => {
    throw new InvalidInputError(resource, path, message, fix);
  };
  const warnings: string[] = [];
  const nulls = nullComponents(spec.config as { [section: string]: unknown });
  if (nulls.length > 0) {
    warnings.push(`Collector config spec.config has null objects: ${nulls.join(', ')}. For compatibility with other tooling, such as kustomize and kubectl edit, it is recommended to use empty objects e.g. batch: {}.`);
  }
  if (old && (old.spec.mode ?? 'deployment') !== mode) {
    fail('spec.mode', `the OpenTelemetry Collector mode is set to ${old.spec.mode ?? 'deployment'}, which does not support modification`,
      'delete and re-create the collector to change its mode');
  }
  const notIn = (attr: string, modeOk: boolean, path = `spec.${attr}`) => {
    if (!modeOk) fail(path, `the OpenTelemetry Collector mode is set to ${mode}, which does not support the attribute '${attr}'`, `remove ${path} or change spec.mode`);
  };
  notIn('volumeClaimTemplates', mode === 'statefulset' || !spec.volumeClaimTemplates?.length);
  notIn('persistentVolumeClaimRetentionPolicy', mode === 'statefulset' || spec.persistentVolumeClaimRetentionPolicy === undefined);
  notIn('tolerations', mode !== 'sidecar' || !spec.tolerations?.length);
  notIn('priorityClassName', mode !== 'sidecar' || !spec.priorityClassName);
  notIn('affinity', mode !== 'sidecar' || spec.affinity === undefined || spec.affinity === null);
  notIn('AdditionalContainers', mode !== 'sidecar' || !spec.additionalContainers?.length, 'spec.additionalContainers');

  const ta = spec.targetAllocator;
  if (ta?.enabled) {
    if (mode !== 'statefulset' && mode !== 'daemonset') {
      fail('spec.targetAllocator.enabled', `the OpenTelemetry Collector mode is set to ${mode}, which does not support the target allocation deployment`,
        'use mode statefulset (or daemonset with allocationStrategy per-node)');
    }
    if (mode === 'daemonset' && ta.allocationStrategy !== 'per-node') {
      fail('spec.targetAllocator.allocationStrategy', `the OpenTelemetry Collector mode is set to ${mode}, which must be used with target allocation strategy per-node `,
        'set spec.targetAllocator.allocationStrategy to per-node');
    }
    if (ta.allocationStrategy === 'per-node' && mode !== 'daemonset') {
      fail('spec.targetAllocator.allocationStrategy', 'target allocation strategy per-node is only supported in OpenTelemetry Collector mode daemonset',
        'use mode daemonset or another allocation strategy');
    }
    validateCollectorForTargetAllocator(cr);
  }

  validatePorts(cr, spec.ports);

  const scaler = spec.autoscaler;
  if (scaler?.maxReplicas !== undefined) {
    const max = scaler.maxReplicas;
    const min = scaler.minReplicas ?? spec.replicas;
    const autoscaleFix = 'fix spec.autoscaler';
    const bad = (why: string) => fail('spec.autoscaler', `the OpenTelemetry Spec autoscale configuration is incorrect, ${why}`, autoscaleFix);
    if (max < 1) bad('maxReplicas should be defined and one or more');
    if (spec.replicas !== undefined && spec.replicas > max) bad('replicas must not be greater than maxReplicas');
    if (min !== undefined && min > max) bad('minReplicas must not be greater than maxReplicas');
    if (min !== undefined && min < 1) bad('minReplicas should be one or more');
    const behavior = scaler.behavior as { scaleDown?: { stabilizationWindowSeconds?: number }; scaleUp?: { stabilizationWindowSeconds?: number } } | undefined;
    for (const dir of ['scaleDown', 'scaleUp'] as const) {
      const w = behavior?.[dir]?.stabilizationWindowSeconds;
      if (w !== undefined && (w < 0 || w > 3600)) bad(`${dir}.stabilizationWindowSeconds should be >=0 and <=3600`);
    }
    if (scaler.targetCPUUtilization !== undefined && scaler.targetCPUUtilization < 1) bad('targetCPUUtilization should be greater than 0');
    if (scaler.targetMemoryUtilization !== undefined && scaler.targetMemoryUtilization < 1) bad('targetMemoryUtilization should be greater than 0');
    for (const m of scaler.metrics ?? []) {
      if (m.type !== 'Pods') bad('metric type unsupported. Expected metric of source type Pod');
      const target = (m.pods as { target?: { type?: string; value?: unknown; averageValue?: unknown } } | undefined)?.target;
      if (target?.type === 'AverageValue' || target?.type === 'Value') {
        const v = target.type === 'AverageValue' ? target.averageValue : target.value;
        if (!(Number(v) >= 1)) bad(target.type === 'AverageValue' ? 'average value should be greater than 0' : 'value should be greater than 0');
      } else {
        bad('invalid pods target type');
      }
    }
  }

  if (spec.ingress?.type === 'ingress' && mode === 'sidecar') {
    fail('spec.ingress.type', 'the OpenTelemetry Spec Ingress configuration is incorrect. Ingress can only be used in combination with the modes: deployment, daemonset, statefulset',
      'remove spec.ingress or use another mode');
  }
  if (spec.ingress?.ruleType === 'subdomain' && (!spec.ingress.hostname || spec.ingress.hostname === '*')) {
    fail('spec.ingress.hostname', 'a valid Ingress hostname has to be defined for subdomain ruleType', 'set spec.ingress.hostname');
  }
  for (const [name, probe] of [['LivenessProbe', spec.livenessProbe], ['ReadinessProbe', spec.readinessProbe]] as const) {
    const err = probeError(name, probe);
    if (err) fail(`spec.${name[0].toLowerCase()}${name.slice(1)}`, err, 'fix the probe timings');
  }
  const dsType = (spec.daemonSetUpdateStrategy as { type?: string } | undefined)?.type;
  if (mode !== 'daemonset' && dsType) notIn('updateStrategy', false, 'spec.daemonSetUpdateStrategy');
  const depType = (spec.deploymentUpdateStrategy as { type?: string } | undefined)?.type;
  if (mode !== 'deployment' && depType) notIn('deploymentUpdateStrategy', false);
  return { warnings };
}
