/**
 * The real node's configuration files, as pure functions of its layout (no I/O): the veth /30 it gets, the CNI
 * conflist, containerd's config.toml, the KubeletConfiguration and the KubeProxyConfiguration. Everything the node
 * writes or listens on is a folder of its own or an address inside the network namespace the harness made.
 */

/** The addresses of one node: a /30 of {@link NODE_SUPERNET}, the root side `.1`, the node side `.2`. */
export interface NodeAddresses {
  /** e.g. 10.250.3.4/30 */
  readonly cidr: string;
  /** The root namespace's end of the veth pair: the API server's (proxied) and the registry's address for the node. */
  readonly hostIp: string;
  /** The node namespace's end: the node's InternalIP, where the kubelet serves. */
  readonly nodeIp: string;
  /**
   * The node's pods: a /24 of {@link POD_CIDR} of its own (the root namespace routes it into the veth, so that the
   * API server's pods/proxy and anything else dialing a pod address stays on this machine).
   */
  readonly podCidr: string;
}

/** The private range the nodes' /30s come from (not used on the machines this runs on; checked at start). */
export const NODE_SUPERNET = '10.250.0.0/16';
/** The pods' addresses: each node has a /24 (traffic leaving the node is masqueraded to its address). */
export const POD_CIDR = '10.77.0.0/16';
/** The Services' range (kube-apiserver's `--service-cluster-ip-range`, the same as the control plane's). */
export const SERVICE_CIDR = '10.0.0.0/16';
/** The cluster DNS Service's address, inside {@link SERVICE_CIDR} (as kubeadm: the tenth). */
export const CLUSTER_DNS_IP = '10.0.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';

const SLOTS = 1 << 14; // /30s in a /16

/** The `index`-th /30 of {@link NODE_SUPERNET}. */
export function nodeAddresses(index: number): NodeAddresses {
  if (!Number.isInteger(index) || index < 0 || index >= SLOTS) throw new RangeError(`node subnet index ${index} is outside 0..${SLOTS - 1}`);
  const base = index * 4;
  const ip = (n: number) => `10.250.${(base + n) >> 8}.${(base + n) & 255}`;
  return { cidr: `${ip(0)}/30`, hostIp: ip(1), nodeIp: ip(2), podCidr: `10.77.${index & 255}.0/24` };
}

/**
 * A /30 none of `usedAddresses` (the machine's addresses, e.g. from `ip -o addr`) falls in, starting at `seed`
 * (e.g. the process id, so that parallel runs start apart) and stepping on. Throws when the supernet is full.
 */
export function pickNodeAddresses(seed: number, usedAddresses: readonly string[]): NodeAddresses {
  const octets = usedAddresses.map((a) => a.split('/')[0].split('.').map(Number)).filter((o) => o.length === 4);
  const used = new Set(octets.filter((o) => o[0] === 10 && o[1] === 250).map((o) => ((o[2] << 8) | o[3]) >> 2));
  // another node's pods (its /24 is routed) or anything else in 10.77.0.0/16
  const usedPodNets = new Set(octets.filter((o) => o[0] === 10 && o[1] === 77).map((o) => o[2]));
  for (let i = 0; i < SLOTS; i++) {
    const slot = (Math.abs(Math.trunc(seed)) + i) % SLOTS;
    if (slot === 0 || used.has(slot) || usedPodNets.has(slot & 255)) continue;
    return nodeAddresses(slot);
  }
  throw new Error(`no free /30 left in ${NODE_SUPERNET}: remove stale veth interfaces (ip -o addr | grep 10.250.)`);
}

/** The CNI network: a bridge (gateway, masquerading what leaves the node) with host-local IPAM, portmap, loopback. */
export function cniConflist(opts: { bridge: string; ipamDataDir: string; podCidr: string }): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'cdk8s-otel-node',
      plugins: [
        {
          type: 'bridge',
          bridge: opts.bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            // not /var/lib/cni: the node keeps its leases in its own folder
            dataDir: opts.ipamDataDir,
            ranges: [[{ subnet: opts.podCidr }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'loopback' },
      ],
    },
    null,
    2,
  ) + '\n';
}

export interface ContainerdLayout {
  /** containerd's persistent folder (images, snapshots). */
  readonly root: string;
  /** containerd's state folder (sockets, pod network namespaces, task bundles). */
  readonly state: string;
  /** The gRPC socket the kubelet and ctr talk to. */
  readonly socket: string;
  /** The folder of CNI conflists. */
  readonly cniConfDir: string;
  /** `config_path` of registry hosts.toml files (the local registry's mirrors), if any. */
  readonly registryConfigPath?: string;
  /** The pod sandbox image. */
  readonly sandboxImage: string;
  /** containerd's `opt` plugin folder (it would use /opt/containerd). */
  readonly optDir: string;
  /** runc's state folder (it would use /run/containerd/runc): the clean-up finds our containers there. */
  readonly runcRoot: string;
}

const q = (s: string) => JSON.stringify(s); // TOML basic strings share JSON's escapes for what we write

/**
 * containerd 1.6 config (version 2): its own folders and socket; CRI with runc (cgroupfs), the Debian CNI plugins
 * and our conflist, and `restrict_oom_score_adj` (root here lacks CAP_SYS_RESOURCE, so no oom_score_adj may be
 * lowered; see shared/spec/real-node.md); pod network namespaces under the state folder, not /var/run/netns.
 */
export function containerdToml(l: ContainerdLayout, cniBinDir = '/usr/lib/cni'): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = ${q(l.root)}`,
    `state = ${q(l.state)}`,
    '',
    '[grpc]',
    `  address = ${q(l.socket)}`,
    '[ttrpc]',
    `  address = ${q(`${l.socket}.ttrpc`)}`,
    '[metrics]',
    '  address = ""',
    '',
    `[plugins."io.containerd.internal.v1.opt"]`,
    `  path = ${q(l.optDir)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${q(l.sandboxImage)}`,
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  enable_selinux = false',
    '  disable_apparmor = true',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    `  Root = ${q(l.runcRoot)}`,
    `[${cri}.cni]`,
    `  bin_dir = ${q(cniBinDir)}`,
    `  conf_dir = ${q(l.cniConfDir)}`,
    '  max_conf_num = 1',
    `[${cri}.registry]`,
    `  config_path = ${q(l.registryConfigPath ?? '')}`,
    '',
  ].join('\n');
}

export interface KubeletLayout {
  readonly nodeIp: string;
  readonly containerdSocket: string;
  /** Where pod logs go (the kubelet would use /var/log/pods). */
  readonly podLogsDir: string;
  /** A resolv.conf for pods with dnsPolicy Default (the host's names the node has none of). */
  readonly resolvConf: string;
  /** The cluster DNS server, if one runs. @default none */
  readonly clusterDns?: string;
}

/**
 * KubeletConfiguration for this machine (shared/spec/real-node.md): cgroupfs on the hybrid cgroup v1 layout
 * (`failCgroupV1: false`), no QoS cgroups nor allocatable enforcement, no swap check, no eviction or image GC (a test
 * node must not evict what a test runs), serving on the node's own address for the API server's logs/exec, and a
 * test node's open authn/authz (anonymous, AlwaysAllow: only the API server and the node's namespace reach it).
 */
export function kubeletConfigYaml(k: KubeletLayout): string {
  return [
    'apiVersion: kubelet.config.k8s.io/v1beta1',
    'kind: KubeletConfiguration',
    `address: ${k.nodeIp}`,
    'port: 10250',
    'readOnlyPort: 0',
    'healthzBindAddress: 127.0.0.1',
    'healthzPort: 10248',
    'cgroupDriver: cgroupfs',
    'failCgroupV1: false',
    'failSwapOn: false',
    'cgroupsPerQOS: false',
    'enforceNodeAllocatable: []',
    `containerRuntimeEndpoint: unix://${k.containerdSocket}`,
    'authentication:',
    '  anonymous:',
    '    enabled: true',
    '  webhook:',
    '    enabled: false',
    'authorization:',
    '  mode: AlwaysAllow',
    'localStorageCapacityIsolation: false',
    'evictionHard:',
    '  memory.available: "0%"',
    '  nodefs.available: "0%"',
    '  nodefs.inodesFree: "0%"',
    '  imagefs.available: "0%"',
    'imageGCHighThresholdPercent: 100',
    'imageGCLowThresholdPercent: 99',
    `resolvConf: ${q(k.resolvConf)}`,
    ...(k.clusterDns ? ['clusterDNS:', `- ${k.clusterDns}`] : []),
    `clusterDomain: ${CLUSTER_DOMAIN}`,
    `podLogsDir: ${q(k.podLogsDir)}`,
    'serializeImagePulls: false',
    'rotateCertificates: false',
    'serverTLSBootstrap: false',
    'nodeStatusUpdateFrequency: 5s',
    'syncFrequency: 10s',
    'fileCheckFrequency: 20s',
    'maxPods: 110',
    '',
  ].join('\n');
}

/**
 * KubeProxyConfiguration: iptables mode inside the node's namespace only. Nothing that is machine-wide: no
 * conntrack table size (`maxPerCore: 0`), no localhost NodePorts (route_localnet), its ports on the namespace's loopback.
 */
export function kubeProxyConfigYaml(k: { kubeconfig: string; nodeName: string; nodeIp: string }): string {
  return [
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'kind: KubeProxyConfiguration',
    'mode: iptables',
    'clientConnection:',
    `  kubeconfig: ${q(k.kubeconfig)}`,
    `hostnameOverride: ${k.nodeName}`,
    `bindAddress: ${k.nodeIp}`,
    `clusterCIDR: ${POD_CIDR}`,
    'healthzBindAddress: 127.0.0.1:10256',
    'metricsBindAddress: 127.0.0.1:10249',
    'conntrack:',
    '  maxPerCore: 0',
    '  min: 0',
    '  tcpEstablishedTimeout: 0s',
    '  tcpCloseWaitTimeout: 0s',
    'iptables:',
    '  localhostNodePorts: false',
    '  syncPeriod: 5s',
    '  minSyncPeriod: 0s',
    '',
  ].join('\n');
}

/** A kubeconfig with a client certificate (files), for the user named `user`. */
export function kubeconfigYaml(server: string, caCert: string, clientCert: string, clientKey: string, user = 'user'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: cdk8s-otel-dev',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caCert}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate: ${clientCert}`,
    `    client-key: ${clientKey}`,
    'contexts:',
    '- name: cdk8s-otel-dev',
    '  context:',
    '    cluster: cdk8s-otel-dev',
    `    user: ${user}`,
    'current-context: cdk8s-otel-dev',
    '',
  ].join('\n');
}
