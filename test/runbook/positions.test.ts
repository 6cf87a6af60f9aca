import { describe, expect, it } from 'vitest';
import { locateInText } from '../../src/runbook/positions.js';
import { closestMatch, editDistance } from '../../src/runbook/suggest.js';

const TEXT = `# comment
accounts:
  prod:
    id: '111111111111'
    empty:
filesystems:
  a:
    failover:
      - id: one
        uses: exec
`;

describe('locateInText', () => {
  it('points at a value, or at its key', () => {
    expect(locateInText(TEXT, ['accounts', 'prod', 'id'])).toEqual({ line: 4, col: 9 });
    expect(locateInText(TEXT, ['accounts', 'prod', 'id'], 'key')).toEqual({ line: 4, col: 5 });
  });

  it('points at the key of an empty value', () => {
    expect(locateInText(TEXT, ['accounts', 'prod', 'empty'])).toEqual({ line: 5, col: 5 });
  });

  it('walks list items by index', () => {
    expect(locateInText(TEXT, ['filesystems', 'a', 'failover', 0, 'uses'])).toEqual({ line: 10, col: 15 });
    expect(locateInText(TEXT, ['filesystems', 'a', 'failover', 0])).toEqual({ line: 9, col: 9 });
  });

  it('falls back to the deepest existing key for a path that does not exist', () => {
    expect(locateInText(TEXT, ['accounts', 'prod', 'region'], 'owner')).toEqual({ line: 3, col: 3 });
    expect(locateInText(TEXT, ['filesystems', 'a', 'failover', 3, 'id'])).toEqual({ line: 8, col: 5 });
    expect(locateInText(TEXT, ['settings'])).toEqual({ line: 1, col: 1 });
  });
});

describe('suggestions', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('exce', 'exec')).toBe(1);
    expect(editDistance('replicaton', 'replication')).toBe(1);
  });

  it('suggests only plausible typos', () => {
    expect(closestMatch('replicaton', ['primary', 'replication'])).toBe('replication');
    expect(closestMatch('efs.wait', ['efs.promote', 'efs.wait-in-sync'])).toBe('efs.wait-in-sync');
    expect(closestMatch('zzz', ['primary', 'replication'])).toBeUndefined();
  });
});
