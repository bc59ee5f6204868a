import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { Hasher, loadHasher } from '../../src/allocator/hasher';
import { HttpDiscovery, parseHttpSDBody } from '../../src/allocator/http-sd';
import { parseHttpSDConfigs } from '../../src/allocator/http-sd-config';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { AllocatorService } from '../../src/allocator/service';
import { TargetGroup } from '../../src/allocator/target';
import { FakeKubeApi } from '../operator/fake-api';

const JSON_TYPE = 'application/json';

describe('http_sd_configs: config', () => {
  const parse = (o: object) => parseHttpSDConfigs([o], 'ta.yaml', 'sd');
  test('url, refresh_interval (default 60s) and the client settings', () => {
    expect(parse({ url: 'http://sd:8080/targets' })[0]).toEqual({
      url: 'http://sd:8080/targets', refreshIntervalMs: 60_000,
      client: { basicAuth: undefined, authorization: undefined, followRedirects: true, tls: expect.objectContaining({ insecureSkipVerify: false }) },
    });
    const c = parse({ url: 'https://sd/x', refresh_interval: '15s', bearer_token: 't', follow_redirects: false, tls_config: { ca: 'PEM', insecure_skip_verify: true } })[0];
    expect(c.refreshIntervalMs).toBe(15_000);
    expect(c.client.authorization).toEqual({ type: 'Bearer', credentials: 't', credentialsFile: undefined });
    expect(c.client.tls).toMatchObject({ ca: 'PEM', insecureSkipVerify: true });
    expect(c.client.followRedirects).toBe(false);
  });

  test('Prometheus\'s URL checks, and what this allocator does not apply is refused with the reason', () => {
    expect(() => parse({})).toThrow(/sd\[0\].url: URL is missing/);
    expect(() => parse({ url: 'ftp://sd/x' })).toThrow(/URL scheme must be 'http' or 'https'/);
    expect(() => parse({ url: 'nope' })).toThrow(/"nope" is not a URL/);
    expect(() => parse({ url: 'http://sd/x', oauth2: { client_id: 'a' } })).toThrow(/sd\[0\].oauth2: not supported by this allocator's HTTP service discovery/);
    expect(() => parse({ url: 'http://sd/x', proxy_url: 'http://p' })).toThrow(/sd\[0\].proxy_url: not supported/);
    expect(() => parse({ url: 'http://sd/x', basic_auth: { username: 'u' }, bearer_token: 't' })).toThrow(/at most one of basic_auth, authorization and bearer_token/);
  });
});

describe('http_sd_configs: answers (Prometheus discovery/http checks)', () => {
  const url = 'http://sd/x';
  test('groups get __meta_url and the source <url>:<index>', () => {
    expect(parseHttpSDBody(url, 200, 'OK', 'application/json; charset=utf-8', '[{"targets":["a:1","b:2"],"labels":{"env":"prod"}},{"targets":["c:3"]}]')).toEqual([
      { source: `${url}:0`, targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }], labels: { env: 'prod', __meta_url: url } },
      { source: `${url}:1`, targets: [{ __address__: 'c:3' }], labels: { __meta_url: url } },
    ]);
  });
  test('a status other than 200, another content type, a non-list body or a null group is an error', () => {
    expect(() => parseHttpSDBody(url, 500, 'Internal Server Error', JSON_TYPE, '[]')).toThrow('server returned HTTP status 500 Internal Server Error');
    expect(() => parseHttpSDBody(url, 200, 'OK', 'text/plain', '[]')).toThrow('unsupported content type "text/plain"');
    expect(() => parseHttpSDBody(url, 200, 'OK', JSON_TYPE, '{"targets":[]}')).toThrow(/must be a list of target groups/);
    expect(() => parseHttpSDBody(url, 200, 'OK', JSON_TYPE, '[null]')).toThrow(/nil target group item found/);
  });
});

describe('http_sd_configs: polling a server on 127.0.0.1', () => {
  let server: http.Server;
  let base: string;
  let body = '[{"targets":["10.0.0.1:80"]}]';
  let status = 200;
  const requests: http.IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.headers);
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/sd' }).end();
        return;
      }
      res.writeHead(status, { 'content-type': JSON_TYPE }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('sends Prometheus\'s headers and the credentials, follows redirects, keeps the last good groups when a refresh fails', async () => {
    const seen: TargetGroup[][] = [];
    const errors: string[] = [];
    const [config] = parseHttpSDConfigs([{ url: `${base}/moved`, refresh_interval: '1s', basic_auth: { username: 'u', password: 'p' } }], 'ta.yaml', 'sd');
    const d = new HttpDiscovery([config], (g) => seen.push(g), (e) => errors.push(e.message));
    requests.length = 0;
    await d.start();
    try {
      expect(seen[0].map((g) => g.targets[0].__address__)).toEqual(['10.0.0.1:80']);
      expect(seen[0][0].labels!.__meta_url).toBe(`${base}/moved`);
      expect(requests[1]).toMatchObject({ accept: 'application/json', 'x-prometheus-refresh-interval-seconds': '1', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
      const first = seen[0];
      await d.refresh();
      // an unchanged answer gives the very same groups (the allocator skips them)
      expect(seen[seen.length - 1][0]).toBe(first[0]);
      status = 503;
      await d.refresh();
      expect(errors.at(-1)).toBe(`http_sd ${base}/moved: server returned HTTP status 503 Service Unavailable`);
      expect(seen[seen.length - 1]).toEqual(first);
      status = 200;
      body = '[{"targets":["10.0.0.2:80"]}]';
      await d.refresh();
      expect(seen[seen.length - 1].map((g) => g.targets[0].__address__)).toEqual(['10.0.0.2:80']);
    } finally {
      d.stop();
      body = '[{"targets":["10.0.0.1:80"]}]';
    }
  });

  test('a config-file job and a ScrapeConfig\'s httpSDConfigs get their targets from the endpoint', async () => {
    const hasher: Hasher = await loadHasher();
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    api.seed({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'http', namespace: 'mon' },
      spec: { httpSDConfigs: [{ url: `${base}/sd`, refreshInterval: '1s' }] } } as any);
    const config = parseAllocatorConfig(`collectors: [c-0]
config:
  scrape_configs:
  - job_name: from-file
    http_sd_configs: [{url: "${base}/sd"}]
prometheus_cr: {enabled: true, scrape_config_selector: {}}
`, 'ta.yaml');
    const warnings: string[] = [];
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: (m) => warnings.push(m) }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      const urls = (job: string) => service.allocator.targetsFor(job, 'c-0').map((t) => t.targetURL);
      for (let i = 0; i < 100 && urls('scrapeConfig/mon/http').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect({ file: urls('from-file'), sc: urls('scrapeConfig/mon/http'), warnings }).toEqual({ file: ['10.0.0.1:80'], sc: ['10.0.0.1:80'], warnings: [] });
    } finally {
      await service.stop();
    }
  });
});
