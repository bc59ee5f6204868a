/**
 * A harness that dies without cleaning up (SIGKILL: no exit handler runs) leaves nothing behind: the reaper kills
 * the node's process groups, then runs the node's clean-up script (runc containers, shims, mounts, veth, log
 * links) and removes the folders. A separate process starts the cluster (./fixtures/node-process.ts).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Made { dir: string; nodeDir: string; hostIf: string; containerPids: number[]; pids: number[]; registryPids: number[] }

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('after a SIGKILL of the process that ran it, the node leaves no process (registry included), container, mount, veth or folder', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', '.bin', 'ts-node'), '--transpile-only', '-P', 'tsconfig.json',
    path.join(__dirname, 'fixtures', 'node-process.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const made = await new Promise<Made>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Made);
    });
    child.once('exit', (code) => reject(new Error(`the node process exited (${code}) before starting:\n${err.slice(-3000)}`)));
  });
  expect(made.containerPids.length).toBeGreaterThanOrEqual(2); // the sandbox and the container
  expect(made.containerPids.every(alive)).toBe(true);
  expect(made.registryPids).toHaveLength(1);
  expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).toContain(made.nodeDir);

  child.kill('SIGKILL');
  const gone = () => {
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    const links = fs.existsSync(`/sys/class/net/${made.hostIf}`);
    return !fs.existsSync(made.dir) && !mounts.includes(made.dir) && !links &&
      !made.containerPids.some(alive) && !made.pids.some(alive);
  };
  const deadline = Date.now() + 60_000;
  while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  expect({
    folder: fs.existsSync(made.dir),
    mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(made.dir)),
    veth: fs.existsSync(`/sys/class/net/${made.hostIf}`),
    containers: made.containerPids.filter(alive),
    components: made.pids.filter(alive),
  }).toEqual({ folder: false, mounts: [], veth: false, containers: [], components: [] });
}, 300_000);
