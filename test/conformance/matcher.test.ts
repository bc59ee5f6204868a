import { evaluate, parseKey, UnboundVariableError } from '../../src/conformance/expressions';
import { assertTree, valuesMatch } from '../../src/conformance/matcher';

const ctx = { bindings: { namespace: 'ns1' } };
const paths = (expected: unknown, actual: unknown, bindings = ctx.bindings) =>
  assertTree(expected, actual, { bindings }).map((d) => `${d.path}: ${d.message}`);

describe('assertTree: maps', () => {
  test('a map matches when its keys are a subset of the actual map', () => {
    expect(paths({ a: 1 }, { a: 1, b: 2 })).toEqual([]);
  });
  test('a missing key is a difference with its path', () => {
    expect(paths({ spec: { replicas: 1 } }, { spec: {} })).toEqual(['spec.replicas: missing']);
  });
  test('a different scalar shows expected and actual', () => {
    expect(paths({ spec: { replicas: 2 } }, { spec: { replicas: 1 } })).toEqual(['spec.replicas: expected 2, got 1']);
  });
  test('an empty map only requires the field to be present and non-null', () => {
    expect(paths({ grpc: {} }, { grpc: { endpoint: 'x' } })).toEqual([]);
    expect(paths({ grpc: {} }, { grpc: null })).toEqual(['grpc: expected a value, got nothing']);
  });
  test('keys with dots and slashes are quoted in paths', () => {
    expect(paths({ metadata: { labels: { 'app.kubernetes.io/name': 'x' } } }, { metadata: { labels: {} } }))
      .toEqual(['metadata.labels["app.kubernetes.io/name"]: missing']);
  });
  test('types are not coerced: "1" does not equal 1', () => {
    expect(paths({ port: '8080' }, { port: 8080 })).toEqual(['port: expected "8080", got 8080']);
  });
});

describe('assertTree: arrays', () => {
  test('arrays match element-wise as subsets when lengths are equal', () => {
    expect(paths({ ports: [{ name: 'a' }, { name: 'b' }] }, { ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] })).toEqual([]);
  });
  test('a length mismatch is reported with both lengths', () => {
    expect(paths({ spec: { containers: [{ ports: [{}, {}, {}] }] } }, { spec: { containers: [{ ports: [{}, {}] }] } }))
      .toEqual(['spec.containers[0].ports: expected length 3, got 2']);
  });
  test('order matters', () => {
    expect(paths({ args: ['a', 'b'] }, { args: ['b', 'a'] })).toEqual(['args[0]: expected "a", got "b"', 'args[1]: expected "b", got "a"']);
  });
  test('an array expected where the actual is absent', () => {
    expect(paths({ env: [{ name: 'X' }] }, {})).toEqual(['env: missing']);
    expect(paths({ env: [{ name: 'X' }] }, { env: null })).toEqual(['env: expected an array of length 1, got nothing']);
  });
});

describe('assertTree: JMESPath keys and values', () => {
  test('an expression key is evaluated on the current node', () => {
    const actual = { containers: [{ name: 'alpine' }, { name: 'otc-container' }] };
    expect(paths({ "(length(containers[?name == 'alpine']))": 1 }, actual)).toEqual([]);
    expect(paths({ "(length(containers[?name == 'alpine']))": 2 }, actual))
      .toEqual(["(length(containers[?name == 'alpine'])): expected 2, got 1"]);
  });
  test('an expression key can project a subtree matched as a subset', () => {
    const actual = { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] };
    expect(paths({ "(containers[?name == 'b'])": [{ image: 'y' }] }, actual)).toEqual([]);
  });
  test('bindings are visible as $variables in keys and values', () => {
    expect(paths({ metadata: { namespace: '($namespace)' } }, { metadata: { namespace: 'ns1' } })).toEqual([]);
    expect(paths({ metadata: { namespace: '($namespace)' } }, { metadata: { namespace: 'other' } }))
      .toEqual(['metadata.namespace: expected "ns1", got "other"']);
    expect(paths({ "(contains(@, concat('k8s.namespace.name=', $namespace)))": true }, 'a=b,k8s.namespace.name=ns1')).toEqual([]);
  });
  test('an expression value may evaluate to a map matched as a subset', () => {
    expect(paths({ data: { 'c.yaml': { '(parse_yaml(@))': { receivers: { otlp: {} } } } } },
      { data: { 'c.yaml': 'receivers:\n  otlp:\n    protocols: {}\nexporters: {}\n' } })).toEqual([]);
  });
  test('~ iterates over array elements, ->name binds the projection', () => {
    const actual = { ports: [{ port: 1 }, { port: 2 }] };
    expect(paths({ '~.(ports)': { '(port < `5`)': true } }, actual)).toEqual([]);
    expect(paths({ '~.(ports)': { '(port < `2`)': true } }, actual)).toEqual(['(ports)[1].(port < `2`): expected true, got false']);
    expect(paths({ '(ports)->p': { '(length($p))': 2 } }, actual)).toEqual([]);
  });
  test('an escaped key is a literal field name', () => {
    expect(paths({ '\\(weird)\\': 1 }, { '(weird)': 1 })).toEqual([]);
  });
  test('an unbound variable is flagged so the caller can skip instead of fail', () => {
    const diffs = assertTree({ '(length($metrics) > `0`)': true }, {}, ctx);
    expect(diffs).toHaveLength(1);
    expect(diffs[0].unbound).toBe(true);
    expect(diffs[0].message).toContain('$metrics');
  });
  test('top-level keys can be skipped (status)', () => {
    expect(assertTree({ spec: { a: 1 }, status: { ready: 1 } }, { spec: { a: 1 } }, ctx, { skipTopLevel: ['status'] })).toEqual([]);
  });
});

describe('valuesMatch and expressions', () => {
  test('valuesMatch follows subset semantics for maps and equal lengths for arrays', () => {
    expect(valuesMatch({ a: 1 }, { a: 1, b: 2 })).toBe(true);
    expect(valuesMatch([1], [1, 2])).toBe(false);
    expect(valuesMatch(null, undefined)).toBe(true);
  });
  test('parseKey reads foreach, binding, escape and expression parts', () => {
    expect(parseKey('~i.(items)->x')).toEqual({ foreach: true, foreachName: 'i', binding: 'x', expression: 'items', field: '(items)' });
    expect(parseKey('plain')).toMatchObject({ foreach: false, field: 'plain' });
    expect(parseKey('plain').expression).toBeUndefined();
    expect(() => parseKey('(cel;object.x)')).toThrow(/cel expression language is not supported/);
  });
  test('evaluate raises UnboundVariableError naming the variable', () => {
    expect(() => evaluate('$nope', {}, {})).toThrow(UnboundVariableError);
    expect(evaluate("join('-', [$a, 'b'])", null, { a: 'x' })).toBe('x-b');
  });
  test('x_k8s_exists reads the attached cluster', () => {
    const env = { getObject: (_v: string, kind: string, _ns: string, name: string) => (kind === 'Service' && name === 's' ? {} : undefined) };
    expect(evaluate("x_k8s_exists($client, 'v1', 'Service', $namespace, 's')", null, { client: {}, namespace: 'n' }, env)).toBe(true);
    expect(evaluate("x_k8s_exists($client, 'v1', 'Service', $namespace, 't')", null, { client: {}, namespace: 'n' }, env)).toBe(false);
  });
});
