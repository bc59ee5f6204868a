import { FSWatcher, promises as fsp, watch } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../common/errors';
import { FileSDConfig, parseTargetGroup } from './config';
import { TargetGroup } from './target';

/**
 * Prometheus `file_sd_configs`: each file (JSON or YAML, by extension) holds a list of
 * `{targets: [...], labels: {...}}` groups. As Prometheus does:
 * - a pattern may use `*`, `?` and `[...]` in its last path element; relative paths are relative to the config
 *   file's directory;
 * - every group gets `__meta_filepath` (the file's path) and the source `<file>:<index>`;
 * - files are re-read when their directory changes (fs.watch) and every `refresh_interval`;
 * - a file that fails to read or parse keeps its last good groups (the error is reported), so a half-written
 *   file does not drop targets.
 * A file whose text did not change yields the very same group objects again, so the allocator's update for it
 * is a no-op (the target builder reuses what it built from them).
 */
export class FileDiscovery {
  private readonly watchers: FSWatcher[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly lastGood = new Map<string, TargetGroup[]>();
  /** the text `lastGood` was parsed from */
  private readonly lastText = new Map<string, string>();
  private pending: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly baseDir: string,
    private readonly configs: readonly FileSDConfig[],
    /** receives the job's full group list after every read */
    private readonly onGroups: (groups: TargetGroup[]) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Reads every file once, then watches. */
  async start(): Promise<void> {
    await this.refresh();
    const dirs = new Set<string>();
    for (const config of this.configs) {
      for (const pattern of config.files) dirs.add(path.dirname(this.resolve(pattern)));
      const timer = setInterval(() => void this.refresh(), Math.max(1000, config.refreshIntervalMs));
      timer.unref();
      this.timers.push(timer);
    }
    for (const dir of dirs) {
      try {
        const w = watch(dir, () => this.schedule());
        w.on('error', (err) => this.onError(err));
        this.watchers.push(w);
      } catch (err) {
        // the directory may not exist yet; the periodic refresh still picks files up once it does
        this.onError(new Error(`file_sd: cannot watch ${dir}: ${(err as Error).message}`));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watchers) w.close();
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
  }

  /** Re-reads every matching file and reports the job's groups. */
  async refresh(): Promise<void> {
    const files = new Set<string>();
    for (const config of this.configs) {
      for (const pattern of config.files) for (const f of await expand(this.resolve(pattern))) files.add(f);
    }
    const groups: TargetGroup[] = [];
    for (const file of Array.from(files).sort()) {
      try {
        const text = await fsp.readFile(file, 'utf8');
        if (this.lastText.get(file) !== text) {
          this.lastGood.set(file, parseFileGroups(text, file));
          this.lastText.set(file, text);
        }
      } catch (err) {
        this.onError(err as Error);
      }
      groups.push(...(this.lastGood.get(file) ?? []));
    }
    for (const known of Array.from(this.lastGood.keys())) {
      if (!files.has(known)) {
        this.lastGood.delete(known);
        this.lastText.delete(known);
      }
    }
    if (!this.stopped) this.onGroups(groups);
  }

  private schedule(): void {
    // editors write in several steps; wait for the burst to end
    if (this.pending) clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refresh();
    }, 100);
  }

  private resolve(pattern: string): string {
    return path.isAbsolute(pattern) ? pattern : path.join(this.baseDir, pattern);
  }
}

/** Parses one file SD file's text into groups (pure). */
export function parseFileGroups(text: string, file: string): TargetGroup[] {
  const bad = (p: string, problem: string, fix: string): never => {
    throw new InvalidInputError(file, p, problem, fix);
  };
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    return bad('(document)', `cannot parse: ${(err as Error).message.split('\n')[0]}`, 'write a list of {targets, labels} groups');
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) return bad('(document)', 'must be a list of target groups', 'write [{"targets": ["host:port"], "labels": {}}]');
  return doc.map((raw, i) => {
    const group = parseTargetGroup(raw, `[${i}]`, bad, `${file}:${i}`);
    return { ...group, labels: { ...group.labels, __meta_filepath: file } };
  });
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function expand(pattern: string): Promise<string[]> {
  const base = path.basename(pattern);
  if (!/[*?[]/.test(base)) {
    try {
      await fsp.access(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const dir = path.dirname(pattern);
  const re = globToRegExp(base);
  try {
    return (await fsp.readdir(dir)).filter((name) => re.test(name)).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}
