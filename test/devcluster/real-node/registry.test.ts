import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from '../../../src/common/errors';
import {
  hostsToml, MIRRORED_HOSTS, parseHostPort, registryConfig, writeContainerdHostsConfig,
} from '../../../src/devcluster/real-node/registry';

describe('containerd hosts.toml for the local registry', () => {
  test('sends pulls and resolves to the registry over plain HTTP, with no fallback to the real host', () => {
    expect(hostsToml('127.0.0.1:5000')).toBe([
      '# written by cdk8s-otel: images of this host come from the local registry (see docs/real-node.md)',
      'server = "http://127.0.0.1:5000"',
      '',
      '[host."http://127.0.0.1:5000"]',
      '  capabilities = ["pull", "resolve"]',
      '  skip_verify = true',
      '',
    ].join('\n'));
  });

  test('one folder per mirrored host and one for the registry itself', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hosts-'));
    try {
      const hosts = writeContainerdHostsConfig(dir, '10.0.0.1:5001');
      expect(hosts).toEqual([...MIRRORED_HOSTS, '10.0.0.1:5001']);
      expect(hosts).toEqual(expect.arrayContaining(['docker.io', 'ghcr.io', 'mirror.gcr.io', 'quay.io', 'registry.k8s.io']));
      expect(fs.readdirSync(dir).sort()).toEqual([...hosts].sort());
      for (const host of hosts) {
        expect(fs.readFileSync(path.join(dir, host, 'hosts.toml'), 'utf8')).toContain('server = "http://10.0.0.1:5001"');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('refuses an address without a port, naming the fix', () => {
    expect(() => hostsToml('127.0.0.1')).toThrow(InvalidInputError);
    expect(() => writeContainerdHostsConfig(os.tmpdir(), 'http://127.0.0.1:5000')).toThrow(/not host:port.*127\.0\.0\.1:5000/);
    expect(() => parseHostPort('127.0.0.1:70000', 'x')).toThrow(/not host:port/);
    expect(parseHostPort('registry.local:5000', 'x')).toEqual({ host: 'registry.local', port: 5000 });
  });
});

describe('the registry configuration', () => {
  test('plain HTTP on the given address, filesystem storage in the given folder, deletes allowed', () => {
    const config = JSON.parse(registryConfig('127.0.0.1:5000', '/data/registry'));
    expect(config.http).toMatchObject({ addr: '127.0.0.1:5000' });
    expect(config.http.tls).toBeUndefined();
    expect(config.storage.filesystem).toEqual({ rootdirectory: '/data/registry' });
    expect(config.storage.delete).toEqual({ enabled: true });
  });
});
