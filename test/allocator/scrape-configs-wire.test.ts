import { readdirSync, readFileSync } from 'fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { Allocator } from '../../src/allocator/allocator';
import { parseAllocatorConfig, parseGeneratedScrapeConfigs } from '../../src/allocator/config';
import { InvalidInputError } from '../../src/common/errors';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { scrapeConfigsJson } from '../../src/allocator/scrape-configs';
import { createApiHandler } from '../../src/allocator/server';
import { createStrategy } from '../../src/allocator/strategies';
import { buildTargetAllocatorObjects } from '../../src/targetallocator/render';
import { loadHasher } from './helpers';

/**
 * `/scrape_configs` against upstream's bytes: tools/ta-scrape-configs-fixture ran Prometheus's config package and
 * upstream's marshalling steps (yaml.v2 → ghodss YAMLToJSON → keepequal/dropequal regex removal → goccy/go-json)
 * on each allocator config of its configs/ folder and wrote the bodies upstream serves, redacted (plain HTTP) and
 * with secrets (HTTPS / allow_insecure_auth_secrets). Our config reader and body writer must give the same JSON,
 * and (Go's map order being deterministic) the same bytes.
 */
const FIXTURE = join(__dirname, '..', '..', 'tools', 'ta-scrape-configs-fixture');
const configs = readdirSync(join(FIXTURE, 'configs')).filter((f) => f.endsWith('.yaml')).sort();

describe('/scrape_configs wire format against upstream allocator bodies', () => {
  test('the fixture has a body for every config', () => {
    expect(configs.length).toBeGreaterThanOrEqual(6);
    const bodies = new Set(readdirSync(join(FIXTURE, 'bodies')));
    for (const config of configs) {
      const base = config.replace(/\.yaml$/, '');
      expect(bodies.has(`${base}.redacted.json`)).toBe(true);
      expect(bodies.has(`${base}.secrets.json`)).toBe(true);
    }
  });

  const rejections: Record<string, string> = JSON.parse(readFileSync(join(FIXTURE, 'bodies', 'invalid.json'), 'utf8'));
  test('every config of invalid/ has the error Prometheus gave for it', () => {
    expect(Object.keys(rejections).sort()).toEqual(readdirSync(join(FIXTURE, 'invalid')).filter((f) => f.endsWith('.yaml')).sort());
  });
  test.each(Object.entries(rejections))('invalid/%s, which Prometheus rejects (%s), is rejected with the key path', (file) => {
    const text = readFileSync(join(FIXTURE, 'invalid', file), 'utf8');
    expect(() => parseAllocatorConfig(text, file)).toThrow(InvalidInputError);
    expect(() => parseAllocatorConfig(text, file)).toThrow(/config\.(scrape_configs\[0\]|global)/);
  });

  test.each([
    ['targetallocator-features', 'rendered-features'],
    ['targetallocator-kubernetessd', 'rendered-kubernetessd'],
  ])('configs/%s: the TargetAllocator construct still renders %s.yaml for that upstream e2e collector', (dir, name) => {
    const e2e = readFileSync(join(__dirname, '..', '..', '..', 'shared', 'upstream-e2e', 'e2e-targetallocator', dir, '00-install.yaml'), 'utf8');
    const cr = parseAllDocuments(e2e).map((d) => d.toJSON()).find((d) => d?.kind === 'OpenTelemetryCollector');
    cr.metadata.namespace ??= 'e2e';
    const configMap = buildTargetAllocatorObjects(cr).find((o) => o.kind === 'ConfigMap') as { data: Record<string, string> };
    const fixture = readFileSync(join(FIXTURE, 'configs', `${name}.yaml`), 'utf8').replace(/^#.*\n/gm, '');
    expect(configMap.data['targetallocator.yaml']).toBe(fixture);
  });

  test("the generator's Prometheus module is the collector's (tools/otelcol/go.mod): a bump asks for regenerated bodies", () => {
    const version = (goMod: string) => /github\.com\/prometheus\/prometheus (v\S+)/.exec(readFileSync(goMod, 'utf8'))?.[1];
    const collector = version(join(FIXTURE, '..', 'otelcol', 'go.mod'));
    expect(collector).toMatch(/^v0\.\d+\.\d+$/);
    expect(version(join(FIXTURE, 'go.mod'))).toBe(collector);
  });

  describe.each(configs)('%s', (config) => {
    const base = config.replace(/\.yaml$/, '');
    // the namespace comes from the environment, as the rendered Deployment sets it
    const parsed = parseAllocatorConfig(readFileSync(join(FIXTURE, 'configs', config), 'utf8'), config, { OTELCOL_NAMESPACE: 'e2e' });

    test.each([
      ['redacted', true],
      ['secrets', false],
    ])('%s body: same JSON, then same bytes', (kind, redact) => {
      const upstream = readFileSync(join(FIXTURE, 'bodies', `${base}.${kind}.json`), 'utf8');
      const ours = scrapeConfigsJson(parsed.scrapeConfigs, redact);
      // structural first, so a failure shows which job and key differ
      expect(JSON.parse(ours)).toEqual(JSON.parse(upstream));
      expect(ours).toBe(upstream);
    });
  });

  test('jobs generated from Prometheus CRs, read as generated jobs (not from the file), give the body upstream serves', () => {
    const doc = parseYaml(readFileSync(join(FIXTURE, 'configs', 'prometheus-cr-jobs.yaml'), 'utf8'));
    const errors: string[] = [];
    const jobs = parseGeneratedScrapeConfigs(doc.config.scrape_configs, 30_000, 'utf8', 'prometheus-cr', (job, err) => errors.push(`${job}: ${err.message}`));
    expect(errors).toEqual([]);
    expect(jobs).toHaveLength(4);
    expect(scrapeConfigsJson(jobs, true)).toBe(readFileSync(join(FIXTURE, 'bodies', 'prometheus-cr-jobs.redacted.json'), 'utf8'));
  });

  test.each([
    ['redacted', true],
    ['secrets', false],
  ])('the HTTP handler sends the %s body of construct-shapes.yaml as upstream: same bytes, application/json', async (kind, redact) => {
    const parsed = parseAllocatorConfig(readFileSync(join(FIXTURE, 'configs', 'construct-shapes.yaml'), 'utf8'), 'construct-shapes.yaml');
    const allocator = new Allocator(createStrategy('consistent-hashing', await loadHasher()));
    const server = http.createServer(createApiHandler({ allocator, jobs: parsed.scrapeConfigs, ready: true, metrics: new AllocatorMetrics() }, redact as boolean));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await new Promise<{ body: string; type?: string }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/scrape_configs' }, (r) => {
          let body = '';
          r.on('data', (c) => (body += c));
          r.on('end', () => resolve({ body, type: r.headers['content-type'] }));
        }).on('error', reject);
      });
      expect(res.type).toBe('application/json');
      expect(res.body).toBe(readFileSync(join(FIXTURE, 'bodies', `construct-shapes.${kind}.json`), 'utf8'));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
