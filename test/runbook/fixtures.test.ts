/**
 * Every file in test/fixtures/runbooks/invalid/ must fail with exactly the diagnostic its first line declares
 * (`# expect: <code> at <line>:<col>`); every file in valid/ must load without errors or warnings.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/runbook/diagnostics.js';
import { parseRunbook } from '../../src/runbook/parse.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/runbooks/', import.meta.url));
const yamlFiles = (dir: string) => readdirSync(`${FIXTURES}${dir}`).filter((f) => /\.ya?ml$/.test(f)).sort();

function expectation(text: string): { code: string; line: number; col: number } {
  const match = /^# expect: ([a-z-]+) at (\d+):(\d+)\s*$/.exec(text.split('\n')[0] ?? '');
  if (!match) throw new Error('the first line must be "# expect: <code> at <line>:<col>"');
  return { code: match[1] ?? '', line: Number(match[2]), col: Number(match[3]) };
}

describe('invalid runbook fixtures', () => {
  const files = yamlFiles('invalid');

  it('cover every bad-input case of the format', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
  });

  it.each(files)('%s fails with exactly its declared diagnostic', (name) => {
    const text = readFileSync(`${FIXTURES}invalid/${name}`, 'utf8');
    const expected = expectation(text);
    const result = parseRunbook(text, name);
    const found = result.ok ? result.warnings : result.diagnostics;
    expect(result.ok, `${name} loaded:\n${found.map(renderDiagnostic).join('\n')}`).toBe(false);
    expect(found.map((d) => ({ code: d.code, line: d.line, col: d.col })), found.map(renderDiagnostic).join('\n')).toEqual([expected]);
    const [diagnostic] = found;
    expect(diagnostic?.file).toBe(name);
    expect(diagnostic?.message.length).toBeGreaterThan(10);
    expect(diagnostic?.hint.length).toBeGreaterThan(10);
  });
});

describe('valid runbook fixtures', () => {
  it.each(yamlFiles('valid'))('%s loads without errors or warnings', (name) => {
    const result = parseRunbook(readFileSync(`${FIXTURES}valid/${name}`, 'utf8'), name);
    if (!result.ok) throw new Error(result.diagnostics.map(renderDiagnostic).join('\n'));
    expect(result.warnings).toEqual([]);
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
