/**
 * The step model of a chainsaw test, read from `chainsaw-test.yaml` text. Pure: files a step refers to are
 * not read here (their paths are kept), and step templates come in through the `loadTemplate` callback.
 */
import * as path from 'path';
import * as YAML from 'yaml';

export interface Binding {
  readonly name: string;
  readonly value: unknown;
}

/** Operations on resources that the simulated cluster can carry out or check. */
export type ResourceOperationType = 'apply' | 'create' | 'update' | 'patch' | 'assert' | 'error' | 'delete';

/** Operations only a live cluster can carry out (they run commands, wait for pods, read logs, ...). */
export const CLUSTER_OPERATIONS = ['script', 'command', 'sleep', 'wait', 'podLogs', 'events', 'describe', 'get', 'proxy'] as const;
export type ClusterOperationType = typeof CLUSTER_OPERATIONS[number];

export interface ResourceOperation {
  readonly type: ResourceOperationType;
  /** File path relative to the test directory (or to the step template that declared it). */
  readonly file?: string;
  /** Directory `file` is relative to. */
  readonly baseDir: string;
  /** Inline resource. */
  readonly resource?: unknown;
  /** `delete` by reference. */
  readonly ref?: Readonly<Record<string, unknown>>;
  /** chainsaw evaluates `(expr)` values of applied resources unless `template: false`. */
  readonly template: boolean;
  /** `expect` checks on the operation's outcome (e.g. an apply that must be rejected). */
  readonly expect?: unknown;
  readonly bindings: ReadonlyArray<Binding>;
}

export interface ClusterOperation {
  readonly type: ClusterOperationType;
  /** One line saying what it does, for reports. */
  readonly summary: string;
  /** Names this operation binds from its output (`outputs:`); expressions using them cannot be evaluated statically. */
  readonly outputs: ReadonlyArray<string>;
  /** The operation as written, for the few commands the simulator understands (`kubectl create job --from`). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type Operation = ResourceOperation | ClusterOperation;

export interface Step {
  readonly index: number;
  readonly name: string;
  readonly bindings: ReadonlyArray<Binding>;
  readonly operations: ReadonlyArray<Operation>;
  /** `use.template` path when the step came from a StepTemplate. */
  readonly template?: string;
}

export interface ChainsawTest {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.namespace`: the test runs in this namespace instead of a random one. */
  readonly namespace?: string;
  readonly skip: boolean;
  readonly bindings: ReadonlyArray<Binding>;
  readonly steps: ReadonlyArray<Step>;
}

export class TestFileError extends Error {
  constructor(file: string, where: string, problem: string) {
    super(`${file}: ${where}: ${problem}`);
    this.name = 'TestFileError';
  }
}

/**
 * Parses a `chainsaw-test.yaml` (one or more `Test` documents).
 * @param text file content
 * @param file path of the file (messages, and base of relative paths)
 * @param loadTemplate returns the text of a step template, given its path resolved against the test directory
 */
export function parseTestFile(text: string, file: string, loadTemplate: (absPath: string) => string): ChainsawTest[] {
  const dir = path.dirname(file);
  const docs = YAML.parseAllDocuments(text).map((d, i) => {
    if (d.errors.length) throw new TestFileError(file, `document ${i}`, d.errors[0].message);
    return d.toJS() as unknown;
  }).filter((d) => d !== null && d !== undefined);
  return docs.map((doc, i) => {
    const where = `document ${i}`;
    const d = asMap(doc, file, where);
    if (d.kind !== 'Test') throw new TestFileError(file, `${where}.kind`, `expected "Test", got ${JSON.stringify(d.kind)}`);
    const meta = asMap(d.metadata ?? {}, file, `${where}.metadata`);
    const spec = asMap(d.spec ?? {}, file, `${where}.spec`);
    const rawSteps = spec.steps ?? [];
    if (!Array.isArray(rawSteps)) throw new TestFileError(file, `${where}.spec.steps`, 'expected a list of steps');
    const steps = rawSteps.map((s, idx) => parseStep(s, idx, dir, file, `${where}.spec.steps[${idx}]`, loadTemplate));
    return {
      name: String(meta.name ?? path.basename(dir)),
      labels: (meta.labels ?? {}) as Record<string, string>,
      namespace: typeof spec.namespace === 'string' ? spec.namespace : undefined,
      skip: spec.skip === true,
      bindings: parseBindings(spec.bindings, file, `${where}.spec.bindings`),
      steps,
    };
  });
}

function parseStep(raw: unknown, index: number, dir: string, file: string, where: string,
  loadTemplate: (absPath: string) => string): Step {
  const s = asMap(raw, file, where);
  const name = String(s.name ?? `step-${index}`);
  const stepBindings = parseBindings(s.bindings, file, `${where}.bindings`);
  const use = s.use as Record<string, unknown> | undefined;
  if (use) {
    if (typeof use.template !== 'string') throw new TestFileError(file, `${where}.use.template`, 'expected a file path');
    const templatePath = path.resolve(dir, use.template);
    let text: string;
    try {
      text = loadTemplate(templatePath);
    } catch (e) {
      throw new TestFileError(file, `${where}.use.template`, `cannot read ${use.template}: ${(e as Error).message}`);
    }
    const tpl = asMap(YAML.parse(text), templatePath, 'document');
    const tplSpec = asMap(tpl.spec ?? {}, templatePath, 'spec');
    const withBindings = parseBindings((use.with as Record<string, unknown> | undefined)?.bindings, file, `${where}.use.with.bindings`);
    const tplDir = path.dirname(templatePath);
    return {
      index,
      name,
      // template defaults first, so that `with` bindings win
      bindings: [...parseBindings(tplSpec.bindings, templatePath, 'spec.bindings'), ...stepBindings, ...withBindings],
      operations: parseOperations(tplSpec.try, tplDir, templatePath, 'spec.try'),
      template: use.template,
    };
  }
  return { index, name, bindings: stepBindings, operations: parseOperations(s.try, dir, file, `${where}.try`) };
}

const RESOURCE_OPERATIONS: ReadonlyArray<ResourceOperationType> = ['apply', 'create', 'update', 'patch', 'assert', 'error', 'delete'];

function parseOperations(raw: unknown, dir: string, file: string, where: string): Operation[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new TestFileError(file, where, 'expected a list of operations');
  return raw.map((item, i) => {
    const op = asMap(item, file, `${where}[${i}]`);
    const type = Object.keys(op).find((k) => k !== 'description');
    if (!type) throw new TestFileError(file, `${where}[${i}]`, 'empty operation');
    const body = (op[type] ?? {}) as Record<string, unknown>;
    if ((RESOURCE_OPERATIONS as string[]).includes(type)) {
      return {
        type: type as ResourceOperationType,
        file: typeof body.file === 'string' ? body.file : undefined,
        baseDir: dir,
        resource: body.resource,
        ref: body.ref as Record<string, unknown> | undefined,
        template: body.template !== false,
        expect: body.expect,
        bindings: parseBindings(body.bindings, file, `${where}[${i}].${type}.bindings`),
      };
    }
    if ((CLUSTER_OPERATIONS as ReadonlyArray<string>).includes(type)) {
      const outputs = Array.isArray(body.outputs) ? body.outputs.map((o) => String((o as Record<string, unknown>).name)) : [];
      return { type: type as ClusterOperationType, summary: summarize(type, body), outputs, raw: body };
    }
    throw new TestFileError(file, `${where}[${i}]`, `unknown operation "${type}"`);
  });
}

function summarize(type: string, body: Record<string, unknown>): string {
  if (type === 'command') {
    return [body.entrypoint, ...(Array.isArray(body.args) ? body.args : [])].join(' ');
  }
  if (type === 'script') {
    const content = String(body.content ?? '').trim().split('\n')[0];
    return content.length > 60 ? `${content.slice(0, 57)}...` : content;
  }
  if (type === 'sleep') return `sleep ${(body as { duration?: string }).duration ?? ''}`.trim();
  if (type === 'wait') return `wait for ${body.kind ?? 'resource'} ${JSON.stringify(body.for ?? {})}`;
  return type;
}

function parseBindings(raw: unknown, file: string, where: string): Binding[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new TestFileError(file, where, 'expected a list of {name, value}');
  return raw.map((b, i) => {
    const m = asMap(b, file, `${where}[${i}]`);
    if (typeof m.name !== 'string') throw new TestFileError(file, `${where}[${i}].name`, 'expected a string');
    return { name: m.name, value: m.value };
  });
}

function asMap(v: unknown, file: string, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TestFileError(file, where, 'expected a map');
  return v as Record<string, unknown>;
}

export function isResourceOperation(op: Operation): op is ResourceOperation {
  return (RESOURCE_OPERATIONS as string[]).includes(op.type);
}
