/**
 * Child processes of a dev cluster: each runs detached in its own process group, so that stopping it
 * (`kill(-pgid)`) also stops anything it forked. A process-wide registry kills every live group on
 * `exit`, SIGINT, SIGTERM and SIGHUP, and a small shell "reaper" kills them even when this Node process
 * dies without running any handler (SIGKILL, OOM): nothing is left behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A component of the control plane running as its own process group. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Where stdout and stderr go. */
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** True until the process has exited. */
  isRunning(): boolean;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Map<number, string>();
let hooksInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/** Kills (SIGKILL) every process group still registered. Synchronous, so safe inside an `exit` handler. */
export function killAllSync(): void {
  for (const pgid of liveGroups.keys()) killGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Only act when nobody else handles the signal: a CLI that installs its own handler (dev-cluster)
    // stops gracefully itself; otherwise the default would kill Node and skip the `exit` hook.
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      killAllSync();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Starts a shell loop, in its own process group, that waits for this Node process to disappear and then
 * SIGKILLs the groups listed in `pgidFile` (rewritten whenever the registry changes). It covers deaths that
 * run no handler. `stop()` ends it.
 */
export class Reaper {
  private readonly child: ChildProcess;
  /**
   * `removePaths` are deleted (rm -rf, staying on their file system) after the kill, e.g. the etcd data folder;
   * `cleanupScript`, if that file exists by then, runs with bash between the two (a real node's mounts and links).
   */
  constructor(private readonly pgidFile: string, removePaths: string[] = [], cleanupScript = '') {
    fs.writeFileSync(pgidFile, '');
    const script =
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
      'for g in $(cat "$2" 2>/dev/null); do kill -KILL -- "-$g" 2>/dev/null; done; ' +
      '[ -n "$3" ] && [ -f "$3" ] && bash "$3"; ' +
      'shift 3; [ "$#" -gt 0 ] && rm -rf --one-file-system -- "$@"';
    // bash, not sh: dash's kill cannot signal a process group (`-PGID`).
    this.child = spawn('bash', ['-c', script, 'reaper', String(process.pid), pgidFile, cleanupScript, ...removePaths], {
      detached: true,
      stdio: 'ignore',
    });
    this.child.unref();
  }

  /** Records the process groups to kill should this Node process die. */
  track(pgids: number[]): void {
    fs.writeFileSync(this.pgidFile, pgids.join('\n') + '\n');
  }

  stop(): void {
    if (this.child.pid) killGroup(this.child.pid, 'SIGKILL');
  }
}

export interface StartProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: string[];
  readonly logDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with the process group whenever it starts or ends, to keep a reaper up to date. */
  readonly onChange?: () => void;
}

/** Starts `command` detached in a new process group with output appended to `<logDir>/<name>.log`. */
export function startProcess(opts: StartProcessOptions): ManagedProcess {
  installHooks();
  const logFile = path.join(opts.logDir, `${opts.name}.log`);
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.command, opts.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
  } finally {
    fs.closeSync(fd);
  }
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err) => {
      running = false;
      fs.appendFileSync(logFile, `\n[dev-cluster] failed to start ${opts.command}: ${err.message}\n`);
      resolve(`error: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve(code ?? signal ?? 'unknown');
    });
  }).then((result) => {
    if (child.pid) liveGroups.delete(child.pid);
    opts.onChange?.();
    return result;
  });
  const pid = child.pid ?? -1;
  if (pid > 0) {
    liveGroups.set(pid, opts.name);
    opts.onChange?.();
  }
  child.unref();

  return {
    name: opts.name,
    pid,
    logFile,
    exited,
    isRunning: () => running,
    async stop(graceMs = 5000): Promise<void> {
      if (pid <= 0) return;
      if (running) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // The leader may be gone while children of its group linger.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    },
  };
}

/** Process groups currently registered (for the reaper). */
export function liveProcessGroups(): number[] {
  return [...liveGroups.keys()];
}

/** The last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
