/**
 * The rooms of src/ and what each may import (docs/architecture.md): no lower room imports a higher one, and a
 * room reaches another only through its entry point (index.ts), never its internals. `common` is the shared
 * floor: small modules imported one by one.
 */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '../../src');

/** Each room and the rooms it may import (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  common: [],
  kube: ['common'],
  apis: ['common'],
  collector: ['common', 'apis'],
  targetallocator: ['common', 'apis', 'collector'],
  instrumentation: ['common', 'apis'],
  install: ['common', 'apis'],
  sidecar: ['common', 'apis', 'collector'],
  webhook: ['common', 'apis', 'collector', 'instrumentation', 'sidecar'],
  constructs: ['common', 'apis', 'collector', 'targetallocator', 'instrumentation', 'sidecar', 'webhook', 'install', 'imports'],
  render: ['common', 'apis', 'collector', 'targetallocator', 'constructs'],
  operator: ['common', 'kube', 'apis', 'collector', 'targetallocator', 'instrumentation', 'sidecar', 'webhook', 'install', 'constructs', 'render'],
  allocator: ['common', 'kube'],
  devcluster: ['common'],
  conformance: ['common', 'operator'],
  cli: ['common', 'kube', 'apis', 'collector', 'targetallocator', 'instrumentation', 'sidecar', 'webhook', 'install', 'constructs', 'render', 'operator', 'allocator', 'devcluster'],
  e2e: ['common', 'apis', 'install', 'devcluster', 'conformance'],
  index: ['common', 'apis', 'collector', 'targetallocator', 'instrumentation', 'sidecar', 'webhook', 'install', 'constructs', 'render'],
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The room of a path under src/ (`render` for src/render.ts, `index` for src/index.ts), or `imports`. */
function roomOf(file: string): string {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return path.relative(path.resolve(SRC, '..'), file).split(path.sep)[0];
  const [first] = rel.split(path.sep);
  return first.replace(/\.ts$/, '');
}

interface Edge { from: string; to: string; fromRoom: string; toRoom: string }

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of files(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      const fromRoom = roomOf(file);
      const toRoom = roomOf(target);
      if (fromRoom !== toRoom) out.push({ from: path.relative(SRC, file), to: path.relative(SRC, target), fromRoom, toRoom });
    }
  }
  return out;
}

describe('rooms', () => {
  const all = edges();

  test('the import scan sees the imports (a broken scan would pass everything)', () => {
    expect(all.length).toBeGreaterThan(50);
    expect(all.some((e) => e.fromRoom === 'constructs' && e.toRoom === 'collector')).toBe(true);
  });

  test('every room is known', () => {
    expect([...new Set(all.flatMap((e) => [e.fromRoom, e.toRoom]))].filter((r) => !(r in MAY_IMPORT) && r !== 'imports')).toEqual([]);
  });

  test('no room imports one it may not (no upward import)', () => {
    const wrong = all.filter((e) => !MAY_IMPORT[e.fromRoom]?.includes(e.toRoom)).map((e) => `${e.from} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });

  /** Entry points besides index.ts: the operator's contract (the operator's process code grows beside it). */
  const ENTRY_POINTS = [path.join('operator', 'contract'), path.join('kube', 'client-node')];
  /**
   * The command line wires the processes together and may use their parts (src/cli); the public entry point
   * (src/index.ts) names type namespaces of room modules (`export type * as podMutation`).
   */
  const WIRING_ROOMS = ['cli', 'index'];

  test("no room reaches into another's internals: only its index.ts (common and imports excepted)", () => {
    const internal = all.filter((e) => !['common', 'imports', 'render'].includes(e.toRoom) && !WIRING_ROOMS.includes(e.fromRoom)
      && e.to !== e.toRoom && !e.to.endsWith(`${e.toRoom}${path.sep}index`) && !ENTRY_POINTS.includes(e.to))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(internal).toEqual([]);
  });
});
