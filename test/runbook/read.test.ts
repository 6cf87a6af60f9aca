import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readRunbookFile, readRunbooks, selectResources, type LoadedRunbook } from '../../src/runbook/read.js';

const EXAMPLE = readFileSync(fileURLToPath(new URL('../../runbooks/efs-prod.yaml', import.meta.url)), 'utf8');

function runbookText(resources: string[], name?: string): string {
  const header = `version: 1\n${name ? `name: ${name}\n` : ''}accounts:\n  a: { id: '111111111111', region: us-east-1 }\n  b: { id: '111111111111', region: us-west-2 }\nfilesystems:\n`;
  return header + resources.map((r, i) => `  ${r}:\n    type: efs\n    primary: { account: a, fileSystemId: fs-1000000${i} }\n    secondary: { account: b, fileSystemId: fs-2000000${i} }\n`).join('');
}

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'drctl-read-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function write(relative: string, text: string): void {
  mkdirSync(join(cwd, relative, '..'), { recursive: true });
  writeFileSync(join(cwd, relative), text);
}

describe('readRunbooks', () => {
  it('reads every *.yaml and *.yml of ./runbooks by default, not recursively, in name order', async () => {
    write('runbooks/b.yml', runbookText(['two']));
    write('runbooks/a.yaml', EXAMPLE);
    write('runbooks/schema.json', '{}');
    write('runbooks/nested/c.yaml', runbookText(['three']));
    const { loaded, diagnostics } = await readRunbooks(undefined, cwd);
    expect(diagnostics).toEqual([]);
    expect(loaded.map((rb) => [rb.file, rb.name])).toEqual([
      ['runbooks/a.yaml', 'efs-prod'],
      ['runbooks/b.yml', 'b'],
    ]);
    expect(loaded[0]?.path).toBe(join(cwd, 'runbooks/a.yaml'));
    expect(loaded[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads a single file given with -f', async () => {
    write('elsewhere/one.yaml', runbookText(['one']));
    const { loaded, diagnostics } = await readRunbooks('elsewhere/one.yaml', cwd);
    expect(diagnostics).toEqual([]);
    expect(loaded.map((rb) => rb.name)).toEqual(['one']);
  });

  it('reports a missing path as file-not-found at 1:1 with what to do', async () => {
    const { loaded, diagnostics } = await readRunbooks(undefined, cwd);
    expect(loaded).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'file-not-found', file: 'runbooks', line: 1, col: 1, severity: 'error' });
    expect(diagnostics[0]?.hint).toContain('-f');
    expect(diagnostics[0]?.hint).toContain('./runbooks');
  });

  it('reports a directory without runbooks', async () => {
    mkdirSync(join(cwd, 'runbooks'));
    const { diagnostics } = await readRunbooks(undefined, cwd);
    expect(diagnostics.map((d) => d.code)).toEqual(['no-runbooks']);
  });

  it('returns the diagnostics of every file, keeping the runbooks that loaded', async () => {
    write('runbooks/good.yaml', runbookText(['good']));
    write('runbooks/bad.yaml', 'version: 1\naccounts: {}\nfilesystems: {}\nextra: 1\n');
    const { loaded, diagnostics } = await readRunbooks(undefined, cwd);
    expect(loaded.map((rb) => rb.name)).toEqual(['good']);
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`)).toEqual(['runbooks/bad.yaml:4:1 unknown-key']);
  });

  it('reports a resource declared in two runbooks, at its key in the second file', async () => {
    write('runbooks/a.yaml', runbookText(['shared']));
    write('runbooks/b.yaml', runbookText(['other', 'shared']));
    const { diagnostics } = await readRunbooks(undefined, cwd);
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`)).toEqual(['runbooks/b.yaml:10:3 duplicate-resource']);
    expect(diagnostics[0]?.message).toContain('runbooks/a.yaml');
  });

  it('reports two runbooks with the same name (they would share a lock)', async () => {
    write('runbooks/a.yaml', runbookText(['one'], 'same'));
    write('runbooks/b.yaml', runbookText(['two'], 'same'));
    const { diagnostics } = await readRunbooks(undefined, cwd);
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`)).toEqual(['runbooks/b.yaml:2:7 duplicate-runbook-name']);
  });

  it('passes warnings through with the loaded runbooks', async () => {
    write('runbooks/a.yaml', runbookText(['one']).replace('us-west-2', 'us-west-9'));
    const { loaded, diagnostics } = await readRunbooks(undefined, cwd);
    expect(loaded).toHaveLength(1);
    expect(diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning unknown-region']);
  });
});

describe('readRunbookFile', () => {
  it('parses one file', async () => {
    write('x.yaml', EXAMPLE);
    const result = await readRunbookFile(join(cwd, 'x.yaml'));
    expect(result.ok).toBe(true);
  });

  it('reports a missing file as a diagnostic, not an exception', async () => {
    const result = await readRunbookFile(join(cwd, 'missing.yaml'));
    expect(result.ok ? [] : result.diagnostics.map((d) => d.code)).toEqual(['file-not-found']);
  });
});

describe('selectResources', () => {
  const loaded = (file: string, resources: string[]): LoadedRunbook => ({
    file,
    path: `/x/${file}`,
    name: file.replace('.yaml', ''),
    digest: 'd',
    runbook: { filesystems: Object.fromEntries(resources.map((r) => [r, {}])) } as unknown as LoadedRunbook['runbook'],
  });
  const a = loaded('a.yaml', ['efs-prod', 'efs-logs']);
  const b = loaded('b.yaml', ['media']);

  const inputError = (fn: () => unknown): InputError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof InputError) return err;
      throw err;
    }
    throw new Error('expected an InputError');
  };

  it('selects named resources in the order given, without duplicates', () => {
    expect(selectResources([a, b], ['efs-logs', 'efs-prod', 'efs-logs'], false)).toEqual({ runbook: a, resources: ['efs-logs', 'efs-prod'] });
  });

  it('selects every resource of the only runbook with --all', () => {
    expect(selectResources([a], [], true)).toEqual({ runbook: a, resources: ['efs-prod', 'efs-logs'] });
  });

  it('lists the resources that exist when a name is unknown', () => {
    const err = inputError(() => selectResources([a, b], ['efs-prd'], false));
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe('unknown-resource');
    expect(err.message).toContain("'efs-prd'");
    expect(err.hint).toContain('Did you mean --fs efs-prod?');
    expect(err.hint).toContain('media (b.yaml)');
  });

  it('refuses names spread over several runbooks, telling to run them separately', () => {
    const err = inputError(() => selectResources([a, b], ['efs-prod', 'media'], false));
    expect(err.code).toBe('resources-in-several-runbooks');
    expect(err.message).toContain('efs-prod (a.yaml)');
    expect(err.message).toContain('media (b.yaml)');
    expect(err.hint).toMatch(/one command per runbook/i);
  });

  it('requires --fs or --all', () => {
    expect(inputError(() => selectResources([a], [], false)).code).toBe('no-selection');
  });

  it('refuses --all over several runbooks and --fs together with --all', () => {
    expect(inputError(() => selectResources([a, b], [], true)).code).toBe('ambiguous-selection');
    expect(inputError(() => selectResources([a], ['efs-prod'], true)).code).toBe('conflicting-selection');
  });
});
