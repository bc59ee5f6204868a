import { InvalidInputError } from '../../src/common/errors';
import { labelSelectorString, parseLabelSelector, selectorMatches } from '../../src/allocator/label-selector';

describe('collector_selector', () => {
  const sel = parseLabelSelector({
    matchLabels: { app: 'c' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'owned', operator: 'Exists' }, { key: 'skip', operator: 'DoesNotExist' },
    ],
  }, 'ta.yaml', 'collector_selector');

  test('API server syntax, values sorted as apimachinery writes them', () => {
    expect(labelSelectorString(sel)).toBe('app=c,tier in (a,b),env notin (dev),owned,!skip');
  });

  test('matches as the API server does', () => {
    expect(selectorMatches(sel, { app: 'c', tier: 'a', owned: '' })).toBe(true);
    expect(selectorMatches(sel, { app: 'c', tier: 'a', owned: '', env: 'dev' })).toBe(false);
    expect(selectorMatches(sel, { app: 'c', tier: 'c', owned: '' })).toBe(false);
    expect(selectorMatches(sel, { app: 'c', tier: 'a' })).toBe(false);
    expect(selectorMatches(sel, { app: 'c', tier: 'a', owned: '', skip: 'x' })).toBe(false);
    expect(selectorMatches(sel, undefined)).toBe(false);
  });

  test('lower-cased keys (the operator writes Go yaml.v2 field names) and null select the same', () => {
    const lower = parseLabelSelector({ matchlabels: { app: 'c' }, matchexpressions: [] }, 'f', 'p');
    expect(lower).toEqual({ matchLabels: { app: 'c' }, matchExpressions: [] });
    expect(labelSelectorString(parseLabelSelector(null, 'f', 'p'))).toBe('');
    expect(selectorMatches(parseLabelSelector(null, 'f', 'p'), {})).toBe(true);
  });

  test.each([
    [{ matchLabel: {} }, 'collector_selector.matchLabel: unknown key'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, 'collector_selector.matchExpressions[0].values: must not be empty for operator In'],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: must be empty for operator Exists'],
    [{ matchLabels: { a: 1 } }, 'collector_selector.matchLabels.a: must be a string'],
  ])('bad selector %j', (raw, message) => {
    expect(() => parseLabelSelector(raw, 'ta.yaml', 'collector_selector')).toThrow(InvalidInputError);
    expect(() => parseLabelSelector(raw, 'ta.yaml', 'collector_selector')).toThrow(message);
  });
});
