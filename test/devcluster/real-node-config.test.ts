import { mountsUnder, cleanupScript } from '../../src/devcluster/real-node/cleanup';
import {
  cniConflist,
  containerdToml,
  kubeletConfigYaml,
  kubeProxyConfigYaml,
  nodeAddresses,
  pickNodeAddresses,
} from '../../src/devcluster/real-node/config';
import { corefile } from '../../src/devcluster/real-node/node';

describe('the node /30', () => {
  test('the root side is .1 and the node side .2 of the index-th /30 of 10.250.0.0/16', () => {
    expect(nodeAddresses(1)).toEqual({ cidr: '10.250.0.4/30', hostIp: '10.250.0.5', nodeIp: '10.250.0.6', podCidr: '10.77.1.0/24' });
    expect(nodeAddresses(64)).toEqual({ cidr: '10.250.1.0/30', hostIp: '10.250.1.1', nodeIp: '10.250.1.2', podCidr: '10.77.64.0/24' });
    expect(nodeAddresses(256 + 3).podCidr).toBe('10.77.3.0/24');
    expect(nodeAddresses(16383).nodeIp).toBe('10.250.255.254');
    expect(() => nodeAddresses(16384)).toThrow(RangeError);
  });

  test('skips a /30 any machine address falls in, and never takes the first', () => {
    expect(pickNodeAddresses(0, []).cidr).toBe('10.250.0.4/30');
    expect(pickNodeAddresses(1, ['10.250.0.6', '192.0.2.2']).cidr).toBe('10.250.0.8/30');
    expect(pickNodeAddresses(16384 + 2, ['10.250.0.9/30']).cidr).toBe('10.250.0.12/30');
    expect(pickNodeAddresses(5, ['10.251.0.20', '127.0.0.1']).cidr).toBe('10.250.0.20/30');
    // nor one whose pod /24 another node routes already
    expect(pickNodeAddresses(5, ['10.77.5.0/24']).podCidr).toBe('10.77.6.0/24');
  });
});

describe('configuration files', () => {
  test('the CNI conflist: bridge (gateway, masquerade) with host-local leases in our folder, portmap, loopback', () => {
    const c = JSON.parse(cniConflist({ bridge: 'cni0', ipamDataDir: '/tmp/x/ipam', podCidr: '10.77.9.0/24' }));
    expect(c.plugins.map((p: { type: string }) => p.type)).toEqual(['bridge', 'portmap', 'loopback']);
    expect(c.plugins[0]).toMatchObject({ bridge: 'cni0', isGateway: true, ipMasq: true, ipam: { type: 'host-local', dataDir: '/tmp/x/ipam', ranges: [[{ subnet: '10.77.9.0/24' }]] } });
  });

  test('containerd: own folders and socket, restrict_oom_score_adj, cgroupfs runc, our CNI folder and mirrors', () => {
    const toml = containerdToml({
      root: '/n/root', state: '/n/state', socket: '/n/c.sock', cniConfDir: '/n/net.d', registryConfigPath: '/n/certs.d',
      sandboxImage: 'registry.k8s.io/pause:3.10', optDir: '/n/opt', runcRoot: '/n/runc',
    });
    for (const line of [
      'root = "/n/root"', 'state = "/n/state"', 'address = "/n/c.sock"', 'restrict_oom_score_adj = true', 'SystemdCgroup = false',
      'bin_dir = "/usr/lib/cni"', 'conf_dir = "/n/net.d"', 'config_path = "/n/certs.d"', 'sandbox_image = "registry.k8s.io/pause:3.10"',
      'netns_mounts_under_state_dir = true', 'path = "/n/opt"', 'Root = "/n/runc"',
    ]) expect(toml).toContain(line);
  });

  test('kubelet: cgroupfs on cgroup v1, serving on the node address, DNS only when asked', () => {
    const base = { nodeIp: '10.250.0.6', containerdSocket: '/n/c.sock', podLogsDir: '/n/logs', resolvConf: '/n/resolv.conf' };
    const y = kubeletConfigYaml(base);
    for (const line of ['address: 10.250.0.6', 'cgroupDriver: cgroupfs', 'failCgroupV1: false', 'cgroupsPerQOS: false', 'containerRuntimeEndpoint: unix:///n/c.sock', 'podLogsDir: "/n/logs"']) {
      expect(y).toContain(line);
    }
    expect(y).not.toContain('clusterDNS');
    expect(kubeletConfigYaml({ ...base, clusterDns: '10.250.0.6' })).toContain('clusterDNS:\n- 10.250.0.6');
  });

  test('kube-proxy: iptables, no machine-wide conntrack or localhost NodePort settings', () => {
    const y = kubeProxyConfigYaml({ kubeconfig: '/n/kp', nodeName: 'n', nodeIp: '10.250.0.6' });
    for (const line of ['mode: iptables', 'maxPerCore: 0', 'localhostNodePorts: false', 'clusterCIDR: 10.77.0.0/16']) expect(y).toContain(line);
  });

  test('CoreDNS answers cluster.local on the node address only', () => {
    const c = corefile('10.250.0.6', '/n/dns.kubeconfig');
    expect(c).toContain('bind 10.250.0.6');
    expect(c).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
    expect(c).not.toContain('forward');
  });
});

describe('clean-up', () => {
  const mountinfo = [
    '22 1 0:21 / /proc rw - proc proc rw',
    '500 30 0:50 / /tmp/cp-1/node/kubelet rw shared:1 - ext4 /dev/sda rw',
    '501 500 0:51 / /tmp/cp-1/node/kubelet/pods/u/volumes/kubernetes.io~projected/x rw - tmpfs tmpfs rw',
    '502 30 0:52 / /tmp/cp-1/node/containerd/state/netns/cni-1 rw - nsfs nsfs rw',
    '503 30 0:53 / /tmp/cp-10/node rw - tmpfs tmpfs rw',
    '504 30 0:54 / /tmp/cp-1/node/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');

  test('finds the mounts under the node folder only, deepest first', () => {
    expect(mountsUnder('/tmp/cp-1/node', mountinfo)).toEqual([
      '/tmp/cp-1/node/kubelet/pods/u/volumes/kubernetes.io~projected/x',
      '/tmp/cp-1/node/containerd/state/netns/cni-1',
      '/tmp/cp-1/node/with space',
      '/tmp/cp-1/node/kubelet',
    ]);
  });

  test('the reaper script kills by our socket path, unmounts our folder and deletes our veth', () => {
    const s = cleanupScript({ dir: '/tmp/cp-1/node', socket: '/tmp/cp-1/node/c.sock', podLogsDir: '/tmp/cp-1/node/logs', hostIf: 'cko1', runcRoot: '/tmp/cp-1/node/runc' });
    expect(s).toContain("grep -qF -- '/tmp/cp-1/node/c.sock'");
    expect(s).toContain("ip link del 'cko1'");
    expect(s).toContain(`for r in '/tmp/cp-1/node/runc'/*; do`);
    // the containers go before the mounts they use
    expect(s.indexOf('runc --root')).toBeLessThan(s.indexOf('umount'));
    expect(s).toContain("'/tmp/cp-1/node/logs'/*) rm -f");
  });
});
