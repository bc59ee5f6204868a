import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { generate } from 'selfsigned';
import { runTargetAllocator } from '../../src/cli/target-allocator';

interface Reply { status: number; type: string | undefined; body: string }

function get(url: string, headers: Record<string, string> = {}, agentOpts?: https.RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { headers, ...agentOpts }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
  });
}

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}

function start(configFile: string) {
  const controller = new AbortController();
  const stderr = new PassThrough();
  let errors = '';
  stderr.on('data', (c) => (errors += c));
  let resolveAddr: (a: { http: string; https?: string }) => void;
  const addresses = new Promise<{ http: string; https?: string }>((r) => (resolveAddr = r));
  const done = runTargetAllocator({ config: configFile, listen: '127.0.0.1:0' }, {
    stdout: new PassThrough(), stderr, env: {}, signal: controller.signal, debounceMs: 20, onListening: (a) => resolveAddr(a),
  });
  return { controller, addresses, done, errors: () => errors };
}

describe('cdk8s-otel target-allocator', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ta-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const JOB = 'serviceMonitor/ns/app/0';

  function writeConfig(extra = ''): string {
    const file = path.join(dir, 'targetallocator.yaml');
    writeFileSync(file, `
collectors: [collector-0, collector-1, collector-2]
${extra}
config:
  scrape_configs:
  - job_name: ${JOB}
    basic_auth: {username: u, password: hunter2}
    static_configs:
    - targets: [${Array.from({ length: 30 }, (_, i) => `'10.0.0.${i}:8080'`).join(', ')}]
      labels: {team: a}
    relabel_configs:
    - {source_labels: [__address__], regex: '10\\.0\\.0\\.29:8080', action: drop}
  - job_name: files
    file_sd_configs:
    - files: ['sd/*.json']
      refresh_interval: 1h
`);
    return file;
  }

  test('serves upstream\'s API on 127.0.0.1 and stops cleanly', async () => {
    const file = writeConfig();
    const { controller, addresses, done } = start(file);
    const base = `http://${(await addresses).http}`;

    expect((await get(`${base}/livez`)).status).toBe(200);
    expect((await get(`${base}/readyz`)).status).toBe(200);

    const sc = await get(`${base}/scrape_configs`);
    expect(sc.type).toBe('application/json');
    // upstream writes the marshalled bytes as they are, without a trailing newline, `<` and `>` escaped
    expect(sc.body.endsWith('}')).toBe(true);
    expect(sc.body).toContain('"\\u003csecret\\u003e"');
    const configs = JSON.parse(sc.body);
    // job names sorted, as upstream marshals its map (issue 14 #12), not in config order
    expect(Object.keys(configs)).toEqual(['files', JOB]);
    expect(configs[JOB].basic_auth.password).toBe('<secret>');
    expect((await get(`${base}/scrape_configs`, { accept: 'text/html' })).type).toContain('text/html');

    const jobs = JSON.parse((await get(`${base}/jobs`)).body);
    // only jobs with targets are listed; the link uses Go's QueryEscape
    expect(jobs).toEqual({ [JOB]: { _link: '/jobs/serviceMonitor%2Fns%2Fapp%2F0/targets' } });

    let total = 0;
    for (const c of ['collector-0', 'collector-1', 'collector-2']) {
      const r = await get(`${base}${jobs[JOB]._link}?collector_id=${c}`);
      expect(r.status).toBe(200);
      const groups = JSON.parse(r.body);
      for (const g of groups) {
        expect(Object.keys(g)).toEqual(['targets', 'labels']);
        expect(g.targets).toHaveLength(1);
        expect(g.labels).toEqual({ __address__: g.targets[0], team: 'a' });
      }
      total += groups.length;
    }
    expect(total).toBe(29); // one dropped by relabel_configs
    expect((await get(`${base}${jobs[JOB]._link}?collector_id=nobody`)).body).toBe('[]\n');

    const debug = JSON.parse((await get(`${base}${jobs[JOB]._link}`)).body);
    const first = Object.keys(debug)[0];
    expect(debug[first]._link).toBe(`/debug/jobs/serviceMonitor%2Fns%2Fapp%2F0/targets?collector_id=${first}`);
    expect(Object.values(debug).reduce((n: number, v) => n + (v as { targets: unknown[] }).targets.length, 0)).toBe(29);

    const metrics = (await get(`${base}/metrics`)).body;
    expect(metrics).toContain('opentelemetry_allocator_targets_per_collector{collector_name="collector-0",strategy="consistent-hashing"}');
    expect(metrics).toContain('opentelemetry_allocator_targets_remaining 29');
    expect(metrics).toContain('opentelemetry_allocator_collectors_allocatable{strategy="consistent-hashing"} 3');
    expect((await get(`${base}/nope`)).status).toBe(404);

    controller.abort();
    expect(await done).toBe(0);
  });

  test('file_sd_configs: targets appear when a file is written and go when it is removed', async () => {
    const file = writeConfig();
    const { mkdirSync, unlinkSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'sd'));
    const { controller, addresses, done } = start(file);
    const base = `http://${(await addresses).http}`;
    const count = async () => {
      const debug = JSON.parse((await get(`${base}/jobs/files/targets`)).body);
      return Object.values(debug).reduce((n: number, v) => n + (v as { targets: unknown[] }).targets.length, 0);
    };
    expect(await count()).toBe(0);
    writeFileSync(path.join(dir, 'sd', 'a.json'), JSON.stringify([{ targets: ['10.1.0.1:9100', '10.1.0.2:9100'], labels: { env: 'x' } }]));
    await until(async () => (await count()) === 2);
    const debug = JSON.parse((await get(`${base}/jobs/files/targets`)).body);
    const group = (Object.values(debug)[0] as { targets: Array<{ labels: Record<string, string> }> }).targets[0];
    expect(group.labels.__meta_filepath).toBe(path.join(dir, 'sd', 'a.json'));
    expect(group.labels.env).toBe('x');
    unlinkSync(path.join(dir, 'sd', 'a.json'));
    await until(async () => (await count()) === 0);
    controller.abort();
    expect(await done).toBe(0);
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s stops it cleanly (exit 0), closes the port and removes its handlers', async (sig) => {
    const before = process.listenerCount(sig);
    const { addresses, done } = start(writeConfig());
    const { http: address } = await addresses;
    expect(process.listenerCount(sig)).toBe(before + 1);
    process.emit(sig);
    expect(await done).toBe(0);
    expect(process.listenerCount(sig)).toBe(before);
    await expect(get(`http://${address}/livez`)).rejects.toThrow();
  });

  test('a bad config fails at start with the key path and the reason (exit 1)', async () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'collectors: [a]\nallocation_strategy: nope\nconfig: {scrape_configs: [{job_name: x}]}\n');
    const { done, errors } = start(file);
    expect(await done).toBe(1);
    expect(errors()).toContain(`${file}: allocation_strategy: unknown strategy "nope"`);
    // a config file that does not exist is wrong usage (exit 2), as a missing -f file of render and inject
    const missing = start(path.join(dir, 'missing.yaml'));
    expect(await missing.done).toBe(2);
    expect(missing.errors()).toContain('file not found');
  });

  // each bad config: exit 1, and one stderr line naming the file, the key path, the problem and the fix
  const badConfigs: Array<[string, string, string]> = [
    ['unknown key', 'collectors: [a]\nlisten_adr: ":1"\nconfig: {scrape_configs: [{job_name: x}]}\n', 'listen_adr: unknown key (use one of collector_namespace, '],
    ['wrong type', 'collectors: [a]\nallow_insecure_auth_secrets: "yes"\nconfig: {scrape_configs: [{job_name: x}]}\n',
      'allow_insecure_auth_secrets: must be true or false, got "yes" (write true or false)'],
    ['bad regex in relabel_configs', 'collectors: [a]\nconfig: {scrape_configs: [{job_name: x, relabel_configs: [{source_labels: [a], regex: "a(?=b)", action: keep}]}]}\n',
      'config.scrape_configs[0].relabel_configs[0].regex: invalid regular expression "a(?=b)": '],
    ['no collectors nor namespace', 'config: {scrape_configs: [{job_name: x}]}\n',
      'collector_namespace: required when collectors are discovered from pods (set collector_namespace (or OTELCOL_NAMESPACE), or list collectors under `collectors`)'],
  ];
  test.each(badConfigs)('bad config (%s): exit 1 with the file, the key path and the fix', async (name, text, message) => {
    const file = path.join(dir, `bad-${name.replace(/ /g, '-')}.yaml`);
    writeFileSync(file, text);
    const { done, errors } = start(file);
    expect(await done).toBe(1);
    expect(errors()).toContain(`target-allocator: ${file}: ${message}`);
    expect(errors().trim().split('\n')).toHaveLength(1);
  });

  test('mTLS listener: requires a client certificate from the CA and serves real secrets', async () => {
    const notBefore = new Date(Date.now() - 60_000);
    const ca = await generate([{ name: 'commonName', value: 'test-ca' }], {
      keyType: 'ec', algorithm: 'sha256', notBeforeDate: notBefore, extensions: [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }],
    });
    const server = await generate([{ name: 'commonName', value: 'ta' }], {
      keyType: 'ec', algorithm: 'sha256', notBeforeDate: notBefore, ca: { key: ca.private, cert: ca.cert },
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }, { name: 'extKeyUsage', serverAuth: true }],
    });
    const client = await generate([{ name: 'commonName', value: 'collector' }], {
      keyType: 'ec', algorithm: 'sha256', notBeforeDate: notBefore, ca: { key: ca.private, cert: ca.cert }, extensions: [{ name: 'extKeyUsage', clientAuth: true }],
    });
    for (const [name, content] of [['ca.crt', ca.cert], ['tls.crt', server.cert], ['tls.key', server.private]]) writeFileSync(path.join(dir, name), content);
    const file = writeConfig(`https: {enabled: true, listen_addr: '127.0.0.1:0', ca_file_path: ${dir}/ca.crt, tls_cert_file_path: ${dir}/tls.crt, tls_key_file_path: ${dir}/tls.key}`);
    const { controller, addresses, done } = start(file);
    const secure = `https://${(await addresses).https}`;
    const ok = await get(`${secure}/scrape_configs`, {}, { ca: ca.cert, cert: client.cert, key: client.private });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)[JOB].basic_auth.password).toBe('hunter2');
    await expect(get(`${secure}/scrape_configs`, {}, { ca: ca.cert })).rejects.toThrow();
    const plain = JSON.parse((await get(`http://${(await addresses).http}/scrape_configs`)).body);
    expect(plain[JOB].basic_auth.password).toBe('<secret>');
    controller.abort();
    expect(await done).toBe(0);
  });
});

describe('target-allocator command: configs that need the cluster', () => {
  // a subprocess: the cluster client (client-node) is ESM-only and cannot be loaded by jest
  test.each([
    ['prometheus_cr', 'collectors: [c]\nprometheus_cr: {enabled: true, service_monitor_selector: {}}\n'],
    ['collector discovery', 'collector_namespace: obs\nconfig: {scrape_configs: [{job_name: x}]}\n'],
    ['kubernetes_sd_configs', 'collectors: [c]\nconfig: {scrape_configs: [{job_name: x, kubernetes_sd_configs: [{role: pod}]}]}\n'],
  ])('%s: an unreadable kubeconfig stops it with exit 1, naming the file and why the API is needed', (_name, text) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ta-kube-'));
    try {
      const file = path.join(dir, 'ta.yaml');
      writeFileSync(file, text);
      const missing = path.join(dir, 'missing.kubeconfig');
      const res = spawnSync(process.execPath, [path.resolve(__dirname, '../../bin/cdk8s-otel'), 'target-allocator', '--config', file, '--listen', '127.0.0.1:0', '--kubeconfig', missing], { encoding: 'utf8', timeout: 120_000 });
      expect(res.status).toBe(1);
      expect(res.stderr).toContain(`target-allocator: cannot read kubeconfig ${missing}: ENOENT`);
      expect(res.stderr).toContain('(the config needs the Kubernetes API: collector discovery, kubernetes_sd_configs or prometheus_cr)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 130_000);
});
