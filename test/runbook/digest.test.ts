import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestRunbook } from '../../src/runbook/digest.js';
import { parseRunbook } from '../../src/runbook/parse.js';

const EXAMPLE = readFileSync(fileURLToPath(new URL('../../runbooks/efs-prod.yaml', import.meta.url)), 'utf8');

function digestOf(text: string): string {
  const result = parseRunbook(text, 'rb.yaml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.digest;
}

describe('digestRunbook', () => {
  it('is the sha256 of the canonical JSON of the parsed runbook', () => {
    const result = parseRunbook(EXAMPLE, 'rb.yaml');
    if (!result.ok) throw new Error('example does not load');
    expect(result.digest).toBe(digestRunbook(result.runbook));
    expect(digestOf(EXAMPLE)).toBe(digestOf(EXAMPLE));
  });

  it('does not change when only comments, blank lines, quoting or key order change', () => {
    const edited = EXAMPLE.replace('# Format version of this file.', '# A different comment\n\n')
      .replace('region: us-east-1', "region: 'us-east-1'")
      .replace('    rpo: 15m\n    rto: 30m\n', '    rto: 30m\n    rpo: 15m   # edited\n');
    expect(edited).not.toBe(EXAMPLE);
    expect(digestOf(edited)).toBe(digestOf(EXAMPLE));
  });

  it('does not change when a default is written out', () => {
    expect(digestOf(EXAMPLE.replace('    rpo: 15m\n', ''))).toBe(digestOf(EXAMPLE));
  });

  it('changes when a value changes', () => {
    expect(digestOf(EXAMPLE.replace('rpo: 15m', 'rpo: 10m'))).not.toBe(digestOf(EXAMPLE));
    expect(digestOf(EXAMPLE.replace('fs-0fedcba9876543210', 'fs-0fedcba9876543211'))).not.toBe(digestOf(EXAMPLE));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"x":null,"z":1}]},"b":1}');
  });
});
