/**
 * Upstream's e2e targetallocator-prometheuscr step 02, on our allocator: the targetallocator.yaml the construct
 * writes for its OpenTelemetryCollector (scrapeConfigSelector, probeSelector, scrapeProtocols and a scrape
 * class with a CA file), its ScrapeConfig (kubernetesSDConfigs role Node) and its Probe (scrapeClass
 * tls-config), with the checks its curl Jobs make against /scrape_configs and /jobs.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Chart, Testing } from 'cdk8s';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { loadHasher } from '../../src/allocator/hasher';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { createApiHandler } from '../../src/allocator/server';
import { AllocatorService } from '../../src/allocator/service';
import { OtelCollector } from '../../src/constructs';
import { FakeKubeApi } from '../operator/fake-api';
import { loadDocs, NS, storedCollector } from '../targetallocator/helpers';

test('e2e targetallocator-prometheuscr step 02: the ScrapeConfig, the scrape class CA file and the Probe are served', async () => {
  const docs = loadDocs('e2e-targetallocator/targetallocator-prometheuscr/02-install.yaml');
  const cr = storedCollector(docs.find((d) => d.kind === 'OpenTelemetryCollector'));
  const chart = new Chart(Testing.app(), 'c');
  const cm = OtelCollector.fromCustomResource(chart, 'c', cr).targetAllocator!.toJson().find((m: any) => m.kind === 'ConfigMap') as any;
  const config = parseAllocatorConfig(cm.data['targetallocator.yaml'], 'targetallocator.yaml', { OTELCOL_NAMESPACE: NS });
  expect(config.prometheusCr.unsupported).toEqual([]);

  const api = new FakeKubeApi();
  api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' && kind !== 'Node' });
  for (const d of docs.filter((x) => x.kind === 'ScrapeConfig' || x.kind === 'Probe')) api.seed({ ...d, metadata: { ...d.metadata, namespace: NS } });
  api.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'kind-control-plane' },
    status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } } as any);
  api.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'prometheus-cr-v1beta1-collector-0', namespace: NS, labels: config.collectorSelector.matchLabels as Record<string, string> },
    spec: { nodeName: 'kind-control-plane', containers: [{ name: 'otc-container', image: 'x' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } as any);
  const service = new AllocatorService(config, await loadHasher(), {
    configDir: '.', log: { info: () => {}, warn: () => {} }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
  });
  await service.start();
  const server = http.createServer(createApiHandler(service, true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const get = async (p: string) => (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`)).text();
  try {
    for (let i = 0; i < 100 && !(await get('/jobs')).includes('scrape-config-cr'); i++) await new Promise((r) => setTimeout(r, 50));
    const scrapeConfigs = await get('/scrape_configs');
    // the Jobs: curl .../scrape_configs | grep "scrape-config-cr" / "/scrapeclass-ca.pem" / "blackbox-exporter"; curl .../jobs | grep "scrape-config-cr"
    expect(scrapeConfigs).toContain('scrape-config-cr');
    expect(scrapeConfigs).toContain('/scrapeclass-ca.pem');
    expect(scrapeConfigs).toContain('blackbox-exporter');
    expect(await get('/jobs')).toContain('scrape-config-cr');
    const parsed = JSON.parse(scrapeConfigs);
    expect(parsed[`probe/${NS}/blackbox-exporter`].tls_config).toMatchObject({ ca_file: '/scrapeclass-ca.pem' });
    expect(parsed[`scrapeConfig/${NS}/scrape-config-cr`]).toMatchObject({ kubernetes_sd_configs: [{ role: 'node' }], scrape_protocols: ['PrometheusText1.0.0'], scrape_interval: '1s' });
  } finally {
    server.close();
    await service.stop();
  }
});
