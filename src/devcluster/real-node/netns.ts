/**
 * The node's network namespace (I/O edge): a namespace of our own, held by a `sleep` process started with
 * `unshare --net` (so it disappears with its last process even if nothing cleans up), joined to the root
 * namespace by a veth pair with a /30 of our own. The root namespace gets only the veth's address, its connected
 * route and a route of the node's pod /24 into the veth (so that the API server's pods/proxy, or anything dialing a
 * pod address, stays on this machine instead of taking the default route); all go with the veth. Every other
 * address, route, bridge and iptables rule lives inside the namespace.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { NodeAddresses, pickNodeAddresses } from './config';

export interface NodeNetwork {
  readonly addresses: NodeAddresses;
  /** The root-side veth interface. */
  readonly hostIf: string;
  /** The process holding the namespace. */
  readonly holderPid: number;
  /** /proc/<holder>/ns/net, for nsenter. */
  readonly nsPath: string;
  /** `command args` wrapped to run inside the namespace (network only: the mount namespace stays the root one). */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] };
  /** Runs a command inside the namespace and returns its stdout. */
  run(command: string, args: readonly string[]): string;
  /** Deletes the veth pair (both ends). The namespace itself goes when its holder and last process exit. */
  remove(): void;
}

function sh(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/** The machine's IPv4 addresses (and routes' destinations), to keep our /30 off them. */
export function machineAddresses(): string[] {
  const out = sh('ip', ['-o', '-4', 'addr', 'show']) + sh('ip', ['-o', '-4', 'route', 'show']);
  return [...out.matchAll(/\b(\d+\.\d+\.\d+\.\d+)(?:\/\d+)?\b/g)].map((m) => m[1]);
}

/** Checks the tools the node's network needs; the message says what to install. */
export function checkNetworkTools(): void {
  for (const [tool, pkg] of [['ip', 'iproute2'], ['nsenter', 'util-linux'], ['unshare', 'util-linux'], ['iptables', 'iptables']]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the real node needs '${tool}' (apt-get install ${pkg})`);
    }
  }
}

/**
 * Sets up the namespace held by `holderPid` (a process already started with `unshare --net`): the veth pair,
 * addresses, the default route towards the root side, loopback, forwarding and bridge netfilter (for Services).
 */
export function setUpNodeNetwork(holderPid: number, seed = process.pid): NodeNetwork {
  const nsPath = `/proc/${holderPid}/ns/net`;
  if (!fs.existsSync(nsPath)) throw new Error(`the node's namespace holder (pid ${holderPid}) is gone`);
  const addresses = pickNodeAddresses(seed, machineAddresses());
  const hostIf = `cko${holderPid.toString(36)}`.slice(0, 15);
  const wrap = (command: string, args: readonly string[]) => ({ command: 'nsenter', args: [`--net=${nsPath}`, '--', command, ...args] });
  const run = (command: string, args: readonly string[]) => {
    const w = wrap(command, args);
    return sh(w.command, w.args);
  };
  sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(holderPid)]);
  const remove = () => {
    try {
      execFileSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
    } catch {
      // already gone with the namespace
    }
  };
  try {
    sh('ip', ['addr', 'add', `${addresses.hostIp}/30`, 'dev', hostIf]);
    sh('ip', ['link', 'set', hostIf, 'up']);
    run('ip', ['link', 'set', 'lo', 'up']);
    run('ip', ['addr', 'add', `${addresses.nodeIp}/30`, 'dev', 'eth0']);
    run('ip', ['link', 'set', 'eth0', 'up']);
    run('ip', ['route', 'add', 'default', 'via', addresses.hostIp]);
    // the node's pods are reached through the veth, never through the machine's default route
    sh('ip', ['route', 'add', addresses.podCidr, 'via', addresses.nodeIp, 'dev', hostIf]);
    // per-namespace sysctls: forwarding for the pods, bridged traffic through iptables for Services
    run('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    try {
      run('sysctl', ['-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']);
    } catch {
      // br_netfilter not loaded: Services still work from other namespaces than the pod's own bridge
    }
  } catch (e) {
    remove();
    throw e;
  }
  return { addresses, hostIf, holderPid, nsPath, wrap, run, remove };
}
