import { defaultCollector, validateCollectorSemantics } from '../../src/apis';
import type { OpenTelemetryCollector } from '../../src/apis';
import { InvalidInputError } from '../../src/common/errors';
import { e2eObjects } from './e2e-data';

const cr = (spec: object): OpenTelemetryCollector => defaultCollector({
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'ns' },
  spec: { config: { receivers: { otlp: {} }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } }, ...spec },
});

/** A statefulset-style collector whose receivers are `receivers` (config otherwise valid). */
const withConfig = (spec: object, receivers: any): OpenTelemetryCollector => {
  const c = cr({ mode: 'statefulset', targetAllocator: { enabled: true }, ...spec });
  (c.spec.config as any).receivers = receivers;
  return c;
};

describe('validateCollectorSemantics (upstream validating webhook)', () => {
  test.each([
    [{ mode: 'deployment', volumeClaimTemplates: [{ metadata: { name: 'x' } }] }, 'the OpenTelemetry Collector mode is set to deployment, which does not support the attribute \'volumeClaimTemplates\''],
    [{ mode: 'daemonset', persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain' } }, 'which does not support the attribute \'persistentVolumeClaimRetentionPolicy\''],
    [{ mode: 'sidecar', additionalContainers: [{ name: 'x' }] }, 'the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute \'AdditionalContainers\''],
    [{ mode: 'deployment', targetAllocator: { enabled: true } }, 'the OpenTelemetry Collector mode is set to deployment, which does not support the target allocation deployment'],
    [{ mode: 'daemonset', targetAllocator: { enabled: true } }, 'the OpenTelemetry Collector mode is set to daemonset, which must be used with target allocation strategy per-node '],
    [{ mode: 'statefulset', targetAllocator: { enabled: true, allocationStrategy: 'per-node' } }, 'target allocation strategy per-node is only supported in OpenTelemetry Collector mode daemonset'],
    [{ ports: [{ name: 'a-very-long-port-name', port: 80 }] }, 'the OpenTelemetry Spec Ports configuration is incorrect, port name \'a-very-long-port-name\''],
    [{ ports: [{ name: 'ok', port: 70000 }] }, 'num \'70000\' errors: [must be between 1 and 65535, inclusive]'],
    [{ replicas: 5, autoscaler: { maxReplicas: 3 } }, 'the OpenTelemetry Spec autoscale configuration is incorrect, replicas must not be greater than maxReplicas'],
    [{ autoscaler: { maxReplicas: 3, minReplicas: 4 } }, 'minReplicas must not be greater than maxReplicas'],
    [{ autoscaler: { maxReplicas: 3, behavior: { scaleUp: { stabilizationWindowSeconds: 4000 } } } }, 'scaleUp.stabilizationWindowSeconds should be >=0 and <=3600'],
    [{ autoscaler: { maxReplicas: 3, metrics: [{ type: 'Resource' }] } }, 'metric type unsupported. Expected metric of source type Pod'],
    [{ mode: 'sidecar', ingress: { type: 'ingress' } }, 'Ingress can only be used in combination with the modes: deployment, daemonset, statefulset'],
    [{ ingress: { type: 'ingress', ruleType: 'subdomain' } }, 'a valid Ingress hostname has to be defined for subdomain ruleType'],
    [{ livenessProbe: { periodSeconds: 0 } }, 'the OpenTelemetry Spec LivenessProbe PeriodSeconds configuration is incorrect. PeriodSeconds should be greater than or equal to 1'],
    [{ mode: 'deployment', daemonSetUpdateStrategy: { type: 'OnDelete' } }, 'which does not support the attribute \'updateStrategy\''],
    [{ mode: 'statefulset', deploymentUpdateStrategy: { type: 'Recreate' } }, 'which does not support the attribute \'deploymentUpdateStrategy\''],
  ])('%j is rejected', (spec, message) => {
    expect(() => validateCollectorSemantics(cr(spec))).toThrow(InvalidInputError);
    expect(() => validateCollectorSemantics(cr(spec))).toThrow(message);
  });

  test('the mode cannot change on update', () => {
    expect(() => validateCollectorSemantics(cr({ mode: 'statefulset' }), cr({ mode: 'deployment' })))
      .toThrow('the OpenTelemetry Collector mode is set to deployment, which does not support modification');
  });

  test('null components are a warning, not an error', () => {
    const c = cr({});
    (c.spec.config as any).processors = { batch: null };
    (c.spec.config.exporters as any).debug = null;
    expect(validateCollectorSemantics(c).warnings).toEqual([
      'Collector config spec.config has null objects: exporters.debug:, processors.batch:. For compatibility with other tooling, such as kustomize and kubectl edit, it is recommended to use empty objects e.g. batch: {}.',
    ]);
  });

  test('valid configurations pass: daemonset + per-node TA, autoscaler with Pods metrics', () => {
    expect(validateCollectorSemantics(withConfig({ mode: 'daemonset', targetAllocator: { enabled: true, allocationStrategy: 'per-node' } },
      { prometheus: { config: { scrape_configs: [{ job_name: 'j' }] } } })).warnings).toEqual([]);
    expect(() => validateCollectorSemantics(cr({ autoscaler: { maxReplicas: 3, metrics: [{ type: 'Pods', pods: { metric: { name: 'm' }, target: { type: 'AverageValue', averageValue: '5' } } }] } }))).not.toThrow();
  });

  test('every defaulted upstream e2e v1beta1 install object passes', () => {
    const objs = e2eObjects().filter(o => o.obj.apiVersion === 'opentelemetry.io/v1beta1' && o.obj.spec?.config);
    const failures = objs.flatMap(o => {
      try {
        validateCollectorSemantics(defaultCollector(o.obj));
        return [];
      } catch (e) {
        return [`${o.file}#${o.index}: ${(e as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });
});

describe('validateCollectorSemantics: an embedded target allocator needs a prometheus receiver (upstream messages)', () => {
  const incorrect = 'the OpenTelemetry Spec Prometheus configuration is incorrect, ';
  test.each([
    ['no prometheus receiver', { otlp: {} }, 'spec.config.receivers.prometheus', 'no prometheus available as part of the configuration'],
    ['only prometheus/<name> (the allocator reads "prometheus" only)', { 'prometheus/x': { config: { scrape_configs: [{ job_name: 'j' }] } } },
      'spec.config.receivers.prometheus', 'no prometheus available as part of the configuration'],
    ['prometheus: null', { prometheus: null }, 'spec.config.receivers.prometheus', "prometheus property in the configuration doesn't contain valid prometheus"],
    ['no config', { prometheus: {} }, 'spec.config.receivers.prometheus.config', 'no prometheusConfig available as part of the configuration'],
    ['config not a map', { prometheus: { config: 'x' } }, 'spec.config.receivers.prometheus.config', "prometheusConfig property in the configuration doesn't contain valid prometheusConfig"],
    ['no scrape_configs', { prometheus: { config: {} } }, 'spec.config.receivers.prometheus.config.scrape_configs', 'no scrape_configs available as part of the configuration'],
    ['scrape_configs not a list', { prometheus: { config: { scrape_configs: {} } } }, 'spec.config.receivers.prometheus.config.scrape_configs', 'scrape_configs must be a list in the config'],
    ['a scrape config not a map', { prometheus: { config: { scrape_configs: [{ job_name: 'j' }, 'x'] } } }, 'spec.config.receivers.prometheus.config.scrape_configs[1]',
      "scrape_config property in the configuration doesn't contain valid scrape_config"],
    ['no scrape configs', { prometheus: { config: { scrape_configs: [] } } }, 'spec.config.receivers.prometheus.config.scrape_configs',
      'either at least one scrape config needs to be defined or PrometheusCR needs to be enabled'],
  ])('%s is rejected', (_why, receivers, path, message) => {
    const c = withConfig({}, receivers);
    expect(() => validateCollectorSemantics(c)).toThrow(InvalidInputError);
    expect(() => validateCollectorSemantics(c)).toThrow(`OpenTelemetryCollector ns/c: ${path}: ${incorrect}${message} (`);
  });

  test('with Prometheus CRs enabled an empty prometheus receiver is enough; without the allocator nothing is checked', () => {
    expect(() => validateCollectorSemantics(withConfig({ targetAllocator: { enabled: true, prometheusCR: { enabled: true } } }, { prometheus: {} }))).not.toThrow();
    expect(() => validateCollectorSemantics(withConfig({ targetAllocator: { enabled: true, prometheusCR: { enabled: true } } }, { otlp: {} })))
      .toThrow(`${incorrect}no prometheus available as part of the configuration`);
    expect(() => validateCollectorSemantics(withConfig({ targetAllocator: { enabled: false } }, { otlp: {} }))).not.toThrow();
  });

  test('the mode checks come first, as upstream', () => {
    expect(() => validateCollectorSemantics(withConfig({ mode: 'deployment' }, { otlp: {} })))
      .toThrow('the OpenTelemetry Collector mode is set to deployment, which does not support the target allocation deployment');
  });
});
