import * as fs from 'fs';
import * as path from 'path';
import { parseCustomResources, schemaProblems, validateCustomResource } from '../../src/apis';
import { InvalidInputError } from '../../src/common/errors';
import { E2E_ROOT, e2eObjects } from './e2e-data';

const objects = e2eObjects();

describe('upstream e2e install/update objects', () => {
  test('the data set is there and large', () => {
    expect(objects.length).toBeGreaterThan(150);
    const kinds = new Set(objects.map(o => `${o.obj.apiVersion}/${o.obj.kind}`));
    expect([...kinds].sort()).toEqual([
      'opentelemetry.io/v1alpha1/Instrumentation',
      'opentelemetry.io/v1alpha1/OpenTelemetryCollector',
      'opentelemetry.io/v1alpha1/TargetAllocator',
      'opentelemetry.io/v1beta1/OpenTelemetryCollector',
    ]);
  });

  test.each(objects.map(o => [`${o.file}#${o.index}`, o.obj]))('%s validates', (_name, obj) => {
    expect(schemaProblems(obj)).toEqual([]);
  });
});

describe('e2e-crd-validations: sidecar mode rejects pod-level attributes', () => {
  const dir = path.join(E2E_ROOT, 'e2e-crd-validations/sidecar');
  const cases: Array<[string, string]> = [
    ['00-install-priority-class.yaml', 'priorityClassName'],
    ['01-install-tolerations.yaml', 'tolerations'],
    ['02-install-affinity.yaml', 'affinity'],
    ['03-install-additional-containers.yaml', 'additionalContainers'],
  ];
  test.each(cases)('%s is rejected for %s', (file, attr) => {
    const [obj] = parseCustomResources(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    const message = `the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute '${attr}'`;
    expect(schemaProblems(obj)).toEqual([{ path: 'spec', message }]);
    expect(() => validateCustomResource(obj)).toThrow(InvalidInputError);
    expect(() => validateCustomResource(obj)).toThrow(message);
  });

  test.each(cases)('%s is accepted once the mode is deployment', file => {
    const [obj] = parseCustomResources(fs.readFileSync(path.join(dir, file), 'utf8'), file);
    const fixed = { ...obj, spec: { ...(obj.spec as object), mode: 'deployment' } };
    expect(schemaProblems(fixed)).toEqual([]);
  });
});
