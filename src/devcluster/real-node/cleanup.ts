/**
 * Removing what a real node leaves outside its processes (I/O edge): containerd's tasks and containers, mounts
 * under the node's folder (the kubelet's root bind-mounts itself; pod volumes, container root filesystems, pod
 * network namespaces), runc shims that outlived containerd, and the kubelet's /var/log/containers links into our
 * pod log folder. Everything is found by our own paths; processes are ended by their own ids.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function quiet(command: string, args: readonly string[], timeout = 20_000): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout });
  } catch {
    return '';
  }
}

/** Kills and deletes every task, then every container, in containerd's `k8s.io` namespace (containerd still up). */
export function removeContainers(socket: string): void {
  const ctr = (...args: string[]) => quiet('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args]);
  const tasks = ctr('tasks', 'ls', '-q').split('\n').filter(Boolean);
  for (const t of tasks) ctr('tasks', 'kill', '--signal', 'SIGKILL', t);
  for (const t of tasks) {
    for (let i = 0; i < 20 && !ctr('tasks', 'delete', t).includes(t) && ctr('tasks', 'ls', '-q').includes(t); i++) {
      execFileSync('sleep', ['0.2']);
    }
  }
  for (const c of ctr('containers', 'ls', '-q').split('\n').filter(Boolean)) ctr('containers', 'delete', c);
}

/**
 * Force-deletes (kills, then removes with their cgroups) every container runc keeps under `runcRoot` (one folder
 * per containerd namespace): what is left when the shims died before their containers.
 */
export function removeRuncContainers(runcRoot: string): void {
  let namespaces: string[];
  try {
    namespaces = fs.readdirSync(runcRoot);
  } catch {
    return;
  }
  for (const ns of namespaces) {
    const root = path.join(runcRoot, ns);
    for (const id of quiet('runc', ['--root', root, 'list', '-q']).split('\n').filter(Boolean)) {
      quiet('runc', ['--root', root, 'delete', '--force', id]);
    }
  }
}

/**
 * Removes the empty `k8s.io` cgroups runc made as our containers' parent (no QoS cgroups: containerd's namespace is
 * the parent). rmdir fails on a cgroup that still has children, so another node's containers are never touched.
 */
export function removeEmptyContainerCgroups(cgroupRoot = '/sys/fs/cgroup'): void {
  let controllers: string[];
  try {
    controllers = fs.readdirSync(cgroupRoot);
  } catch {
    return;
  }
  for (const c of controllers) {
    try {
      fs.rmdirSync(path.join(cgroupRoot, c, 'k8s.io'));
    } catch {
      // absent, or still in use
    }
  }
}

/** Mount points at or under `dir` (from /proc/self/mountinfo), deepest first. */
export function mountsUnder(dir: string, mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const root = path.resolve(dir);
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' ').replace(/\\011/g, '\t').replace(/\\012/g, '\n').replace(/\\134/g, '\\'))
    .filter((p) => p === root || p.startsWith(root + '/'));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Unmounts everything under `dir`; returns what stayed mounted. */
export function unmountUnder(dir: string): string[] {
  for (let round = 0; round < 3; round++) {
    const points = mountsUnder(dir);
    if (!points.length) return [];
    for (const p of points) {
      if (!quiet('umount', [p]) && mountsUnder(dir).includes(p)) quiet('umount', ['-l', p]);
    }
  }
  return mountsUnder(dir);
}

/** Process ids whose command line mentions `marker` (a path of ours, e.g. containerd's socket): the runc shims. */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Removes the kubelet's /var/log/containers links that point into `podLogsDir`. */
export function removeContainerLogLinks(podLogsDir: string, linkDir = '/var/log/containers'): void {
  let names: string[];
  try {
    names = fs.readdirSync(linkDir);
  } catch {
    return;
  }
  for (const name of names) {
    const link = path.join(linkDir, name);
    try {
      if (fs.readlinkSync(link).startsWith(podLogsDir + '/')) fs.unlinkSync(link);
    } catch {
      // not a link, or gone
    }
  }
}

/**
 * The same clean-up as a bash script, for the reaper that runs when the Node process died without cleaning up
 * (SIGKILL): it runs after the node's process groups were killed, before the folders are removed.
 */
export function cleanupScript(o: { dir: string; socket: string; podLogsDir: string; hostIf: string; runcRoot: string }): string {
  const s = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return [
    'set +e',
    `for p in /proc/[0-9]*; do grep -qF -- ${s(o.socket)} "$p/cmdline" 2>/dev/null && kill -KILL "\${p#/proc/}"; done`,
    'sleep 0.5',
    `for r in ${s(o.runcRoot)}/*; do [ -d "$r" ] || continue; for c in $(runc --root "$r" list -q 2>/dev/null); do runc --root "$r" delete --force "$c"; done; done`,
    `for i in 1 2 3; do awk -v d=${s(o.dir)} '$5 == d || index($5, d "/") == 1 { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d" " -f2- | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done; done`,
    `ip link del ${s(o.hostIf)} 2>/dev/null`,
    'for c in /sys/fs/cgroup/*/k8s.io; do rmdir "$c" 2>/dev/null; done',
    `for l in /var/log/containers/*; do case "$(readlink "$l")" in ${s(o.podLogsDir)}/*) rm -f "$l";; esac; done`,
    '',
  ].join('\n');
}
