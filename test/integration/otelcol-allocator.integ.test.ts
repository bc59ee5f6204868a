/**
 * Wire compatibility of our target allocator with a REAL OpenTelemetry Collector: the contrib prometheus
 * receiver (built by scripts/build-otelcol.sh from tools/otelcol) polls `runTargetAllocator` through its
 * `target_allocator:` block, turns our `/scrape_configs` into scrape jobs and our `/jobs/{job}/targets` into
 * HTTP SD, and must then scrape a metrics server that only the allocator told it about.
 *
 * A recording proxy sits between the collector and the allocator, so the test sees exactly which URLs the
 * collector asked for and what we answered. Everything listens on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeClusterCertificates } from '../../src/devcluster';
import {
  attrs, close, Collector, Exchange, freePort, MetricsServer, OTELCOL_VERSION, readExported, requireOtelcol, RunningAllocator,
  sleep, startAllocator, startCollector, startMetricsServer, startRecordingProxy, stopCollector, tail, WAIT_MS, waitFor,
} from './otelcol-harness';

const COLLECTOR_ID = 'collector-0';
const PLAIN_JOB = 'static-app';
// The operator names jobs of ServiceMonitors like this; the receiver must QueryEscape it into the SD URL.
const SLASH_JOB = 'serviceMonitor/default/app/0';

// ---- plain HTTP, as the operator wires it -------------------------------------------------------------------

describe(`real OpenTelemetry Collector (prometheus receiver v${OTELCOL_VERSION}) against our target allocator`, () => {
  let dir: string;
  let metrics: MetricsServer;
  let ta: RunningAllocator | undefined;
  let proxy: { server: http.Server; port: number } | undefined;
  const exchanges: Exchange[] = [];
  let collector: Collector | undefined;

  beforeAll(async () => {
    requireOtelcol();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-otelcol-'));
    metrics = await startMetricsServer();
    const taConfig = path.join(dir, 'targetallocator.yaml');
    fs.writeFileSync(taConfig, [
      'allocation_strategy: consistent-hashing',
      `listen_addr: 127.0.0.1:${await freePort()}`,
      `collectors: [${COLLECTOR_ID}]`,
      'config:',
      '  global: {scrape_interval: 1s, scrape_timeout: 1s}',
      '  scrape_configs:',
      `  - job_name: ${PLAIN_JOB}`,
      '    static_configs:',
      `    - targets: ['127.0.0.1:${metrics.port}']`,
      '      labels: {team: infra}',
      `  - job_name: '${SLASH_JOB}'`,
      '    static_configs:',
      `    - targets: ['127.0.0.1:${metrics.port}']`,
      '      labels: {team: apps}',
      '    metric_relabel_configs:',
      '    - {source_labels: [__name__], regex: cdk8s_otel_test_scrapes_total, action: drop}',
      '',
    ].join('\n'));
    ta = await startAllocator(taConfig);
    proxy = await startRecordingProxy(ta.httpPort, exchanges);
  }, 30_000);

  afterEach(async () => {
    await stopCollector(collector);
    collector = undefined;
  }, 15_000);

  afterAll(async () => {
    await stopCollector(collector);
    if (ta) expect(await ta.stop()).toBe(0);
    await close(proxy?.server);
    await close(metrics?.server);
    if (dir && process.env.CDK8S_OTEL_KEEP_CLUSTER_DIR !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const diagnostics = (c: Collector) => () =>
    `collector log (${c.logFile}):\n${tail(c.logFile)}\nrequests seen by the allocator: ` +
    `${JSON.stringify(exchanges.map((e) => `${e.path}?collector_id=${e.collectorId} -> ${e.status}`))}\n` +
    `allocator output:\n${ta?.output.join('')}`;

  test('fetches /scrape_configs and /jobs/{job}/targets?collector_id= from us, scrapes the target and exports its metrics with our labels', async () => {
    const started = Date.now();
    collector = startCollector(dir, { name: 'assigned', collectorId: COLLECTOR_ID, endpoint: `http://127.0.0.1:${proxy!.port}` });
    const c = collector;
    const diag = diagnostics(c);

    // 1. the receiver's target-allocator client read our scrape configs ...
    const sc = await waitFor('GET /scrape_configs', () => exchanges.find((e) => e.path === '/scrape_configs'), diag);
    expect(sc.status).toBe(200);
    expect(Object.keys(JSON.parse(sc.body)).sort()).toEqual([PLAIN_JOB, SLASH_JOB].sort());

    // 2. ... and made one HTTP SD per job with our URL scheme (job QueryEscaped, collector_id as query) ...
    for (const [job, team] of [[PLAIN_JOB, 'infra'], [SLASH_JOB, 'apps']]) {
      const ex = await waitFor(`GET /jobs/${job}/targets`, () => exchanges.find((e) =>
        e.path === `/jobs/${encodeURIComponent(job)}/targets` && e.collectorId === COLLECTOR_ID), diag);
      expect(ex.status).toBe(200);
      expect(JSON.parse(ex.body)).toEqual([{ targets: [`127.0.0.1:${metrics.port}`], labels: expect.objectContaining({ team }) }]);
    }

    // 3. ... which made it scrape the server that only the allocator knows about ...
    await waitFor('a scrape of the metrics server', () => metrics.scrapes > 0, diag);
    const firstScrapeMs = Date.now() - started;

    // 4. ... and the scraped samples carry the job as service.name, the target, and the allocator's labels.
    const exported = await waitFor('the scraped gauge of both jobs in the file exporter output', () => {
      const found = readExported(c.exportFile).filter((m) => m.name === 'cdk8s_otel_test_temperature');
      const jobs = new Set(found.map((m) => m.resource['service.name']));
      return jobs.has(PLAIN_JOB) && jobs.has(SLASH_JOB) ? found : undefined;
    }, diag);
    for (const [job, team] of [[PLAIN_JOB, 'infra'], [SLASH_JOB, 'apps']]) {
      const m = exported.find((e) => e.resource['service.name'] === job)!;
      expect(m.resource['service.instance.id']).toBe(`127.0.0.1:${metrics.port}`);
      expect(m.points[0].asDouble).toBe(21.5);
      expect(attrs(m.points[0].attributes)).toEqual(expect.objectContaining({ room: 'lab', team }));
    }
    // metric_relabel_configs served on /scrape_configs are applied by the collector: dropped in one job only.
    const counters = readExported(c.exportFile).filter((m) => m.name.startsWith('cdk8s_otel_test_scrapes'));
    expect(new Set(counters.map((m) => m.resource['service.name']))).toEqual(new Set([PLAIN_JOB]));

    // The debug exporter prints the same metric on the collector's output.
    await waitFor('the debug exporter output', () => fs.readFileSync(c.logFile, 'utf8').includes('cdk8s_otel_test_temperature'), diag);
    process.stdout.write(`[integration] otelcol ${OTELCOL_VERSION}: first scrape ${(firstScrapeMs / 1000).toFixed(1)} s after start\n`);
  }, WAIT_MS * 2);

  test('a collector id that is not in our collectors list gets no targets and scrapes nothing', async () => {
    const other = 'collector-unknown';
    const scrapesBefore = metrics.scrapes;
    collector = startCollector(dir, { name: 'unassigned', collectorId: other, endpoint: `http://127.0.0.1:${proxy!.port}` });
    const diag = diagnostics(collector);

    for (const job of [PLAIN_JOB, SLASH_JOB]) {
      const ex = await waitFor(`GET /jobs/${job}/targets?collector_id=${other}`, () => exchanges.find((e) =>
        e.path === `/jobs/${encodeURIComponent(job)}/targets` && e.collectorId === other), diag);
      expect(ex.status).toBe(200);
      expect(JSON.parse(ex.body)).toEqual([]);
    }
    // An assigned target is scraped ~5 s after its SD answer (scrape-pool reload interval, 1 s scrape interval);
    // wait twice that, with the collector still running, before concluding that nothing is scraped.
    await sleep(10_000);
    expect(collector.child.exitCode).toBeNull();
    expect(metrics.scrapes).toBe(scrapesBefore);
    expect(readExported(collector.exportFile).filter((m) => m.name === 'cdk8s_otel_test_temperature')).toEqual([]);
  }, WAIT_MS * 2);
});

// ---- mTLS: secrets are real only over the mutually authenticated listener -----------------------------------

describe('real OpenTelemetry Collector against our target allocator over mTLS', () => {
  const auth = { username: 'scraper', password: `s3cret-${process.pid}` };
  let dir: string;
  let metrics: MetricsServer;
  let ta: RunningAllocator | undefined;
  let tls: Record<string, string>;
  let collector: Collector | undefined;

  beforeAll(async () => {
    requireOtelcol();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-otelcol-tls-'));
    // A CA, a serving certificate for 127.0.0.1 and a client certificate (clientAuth) signed by it.
    const certs = await writeClusterCertificates(dir);
    tls = { ca_file: certs.caCert, cert_file: certs.adminCert, key_file: certs.adminKey };
    metrics = await startMetricsServer(auth);
    const taConfig = path.join(dir, 'targetallocator.yaml');
    fs.writeFileSync(taConfig, [
      `listen_addr: 127.0.0.1:${await freePort()}`,
      'https:',
      '  enabled: true',
      `  listen_addr: 127.0.0.1:${await freePort()}`,
      `  ca_file_path: ${certs.caCert}`,
      `  tls_cert_file_path: ${certs.serverCert}`,
      `  tls_key_file_path: ${certs.serverKey}`,
      `collectors: [${COLLECTOR_ID}]`,
      'config:',
      '  scrape_configs:',
      '  - job_name: secured',
      '    scrape_interval: 1s',
      '    scrape_timeout: 1s',
      `    basic_auth: {username: ${auth.username}, password: ${auth.password}}`,
      '    static_configs:',
      `    - targets: ['127.0.0.1:${metrics.port}']`,
      '',
    ].join('\n'));
    ta = await startAllocator(taConfig);
    expect(ta.httpsPort).toBeDefined();
  }, 30_000);

  afterEach(async () => {
    await stopCollector(collector);
    collector = undefined;
  }, 15_000);

  afterAll(async () => {
    await stopCollector(collector);
    if (ta) expect(await ta.stop()).toBe(0);
    await close(metrics?.server);
    if (dir && process.env.CDK8S_OTEL_KEEP_CLUSTER_DIR !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const diagnostics = (c: Collector) => () =>
    `collector log (${c.logFile}):\n${tail(c.logFile)}\nmetrics server: ${metrics.scrapes} scrapes, ${metrics.refused} refused\n` +
    `allocator output:\n${ta?.output.join('')}`;

  test('a collector with a client certificate gets the real basic_auth password and its scrapes are accepted', async () => {
    collector = startCollector(dir, { name: 'mtls', collectorId: COLLECTOR_ID, endpoint: `https://127.0.0.1:${ta!.httpsPort}`, tls });
    const c = collector;
    await waitFor('an authenticated scrape', () => metrics.scrapes > 0, diagnostics(c));
    await waitFor('the scraped gauge in the file exporter output', () =>
      readExported(c.exportFile).some((m) => m.name === 'cdk8s_otel_test_temperature' && m.resource['service.name'] === 'secured'), diagnostics(c));
    expect(metrics.refused).toBe(0);
  }, WAIT_MS * 2);

  test('over plain HTTP the same job comes with the password redacted, so the target refuses the scrapes', async () => {
    const scrapesBefore = metrics.scrapes;
    collector = startCollector(dir, { name: 'plain', collectorId: COLLECTOR_ID, endpoint: `http://127.0.0.1:${ta!.httpPort}` });
    await waitFor('a refused scrape', () => metrics.refused > 0, diagnostics(collector));
    // Upstream serves `<secret>` in place of every secret on the plain listener; the collector sends it as is.
    const sent = Buffer.from(metrics.refusedAuth[0].replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(sent).toBe(`${auth.username}:<secret>`);
    expect(metrics.scrapes).toBe(scrapesBefore);
  }, WAIT_MS * 2);
});

// ---- two collectors share the targets -----------------------------------------------------------------------

function getJson(port: number, urlPath: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${urlPath}: ${res.statusCode} ${body}`))));
    }).on('error', reject);
  });
}

describe('two real collectors share the targets exactly as our allocator assigns them', () => {
  const ids = ['collector-0', 'collector-1'];
  let dir: string;
  const servers: MetricsServer[] = [];
  let ta: RunningAllocator | undefined;
  const collectors: Collector[] = [];

  beforeAll(async () => {
    requireOtelcol();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-otelcol-shard-'));
    for (let i = 0; i < 8; i++) servers.push(await startMetricsServer());
    const taConfig = path.join(dir, 'targetallocator.yaml');
    fs.writeFileSync(taConfig, [
      `listen_addr: 127.0.0.1:${await freePort()}`,
      `collectors: [${ids.join(', ')}]`,
      'config:',
      '  scrape_configs:',
      '  - job_name: sharded',
      '    scrape_interval: 1s',
      '    scrape_timeout: 1s',
      '    static_configs:',
      `    - targets: [${servers.map((s) => `'127.0.0.1:${s.port}'`).join(', ')}]`,
      '',
    ].join('\n'));
    ta = await startAllocator(taConfig);
  }, 30_000);

  afterAll(async () => {
    for (const c of collectors) await stopCollector(c);
    if (ta) expect(await ta.stop()).toBe(0);
    for (const s of servers) await close(s.server);
    if (dir && process.env.CDK8S_OTEL_KEEP_CLUSTER_DIR !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test('each target is scraped by the one collector it is assigned to, and every target by someone', async () => {
    const assigned = new Map<string, string[]>();
    for (const id of ids) {
      const groups = await getJson(ta!.httpPort, `/jobs/sharded/targets?collector_id=${id}`) as Array<{ targets: string[] }>;
      assigned.set(id, groups.flatMap((g) => g.targets).sort());
    }
    const all = servers.map((s) => `127.0.0.1:${s.port}`).sort();
    expect([...assigned.values()].flat().sort()).toEqual(all); // a partition: every target once

    for (const id of ids) collectors.push(startCollector(dir, { name: id, collectorId: id, endpoint: `http://127.0.0.1:${ta!.httpPort}` }));
    const scraped = (c: Collector) => [...new Set(readExported(c.exportFile)
      .filter((m) => m.name === 'cdk8s_otel_test_temperature').map((m) => String(m.resource['service.instance.id'])))].sort();
    const diag = () => ids.map((id, i) => `${id}: assigned ${assigned.get(id)}, scraped ${scraped(collectors[i])}\n${tail(collectors[i].logFile, 15)}`).join('\n');
    await waitFor('every target in the export of its collector', () =>
      ids.every((id, i) => assigned.get(id)!.every((t) => scraped(collectors[i]).includes(t))), diag);
    // Give a wrongly configured collector a few more scrape intervals to show up with someone else's target.
    await sleep(3_000);
    ids.forEach((id, i) => expect(scraped(collectors[i])).toEqual(assigned.get(id)));
    expect(servers.filter((s) => s.scrapes === 0)).toEqual([]);
    process.stdout.write(`[integration] otelcol: 8 targets split ${ids.map((id) => `${id}=${assigned.get(id)!.length}`).join(' ')} (consistent-hashing)\n`);
  }, WAIT_MS * 2);
});
