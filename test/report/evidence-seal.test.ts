import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealReport, verifyReportDir, writeRunReports } from '../../src/report/run-report/index.js';
import { FAILOVER_ID, drillInput, failedFailoverInput } from './evidence-fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drctl-evidence-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

async function flipByte(path: string, at = 10): Promise<void> {
  const content = await readFile(path);
  content[at] = (content[at] ?? 0) ^ 0x01;
  await writeFile(path, content);
}

describe('writeRunReports', () => {
  it('writes every format, the journal copy, manifest.json and SHA256SUMS', async () => {
    const written = await writeRunReports(failedFailoverInput(), dir);
    expect(written.files).toEqual([
      'report.md',
      'report.html',
      'junit.xml',
      'report.json',
      `journal/${FAILOVER_ID}.ndjson`,
      'manifest.json',
      'SHA256SUMS',
    ]);
    expect(written).toMatchObject({ ok: false, outcome: 'failed' });
    expect(written.manifestSha256).toBe(sha256(await readFile(join(dir, 'manifest.json'))));
  });

  it('writes SHA256SUMS in the format `sha256sum -c` reads, covering every file and the manifest', async () => {
    await writeRunReports(drillInput(), dir);
    const lines = (await readFile(join(dir, 'SHA256SUMS'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(7); // 4 reports, 2 journals, the manifest
    for (const line of lines) {
      const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(sha256(await readFile(join(dir, match?.[2] ?? '')))).toBe(match?.[1]);
    }
    expect(lines.map((l) => l.slice(66))).toContain('manifest.json');
  });

  it('produces byte-identical files when the same input is written again', async () => {
    const first = await writeRunReports(drillInput(), join(dir, 'a'));
    const second = await writeRunReports(drillInput(), join(dir, 'b'));
    expect(second.manifestSha256).toBe(first.manifestSha256);
    expect(await readFile(join(dir, 'b', 'SHA256SUMS'), 'utf8')).toBe(await readFile(join(dir, 'a', 'SHA256SUMS'), 'utf8'));
  });
});

describe('verifyReportDir', () => {
  it('accepts an untouched directory', async () => {
    const written = await writeRunReports(failedFailoverInput(), dir);
    const result = await verifyReportDir(dir, { expectedManifestSha256: written.manifestSha256 });
    expect(result).toMatchObject({ ok: true, problems: [], unsealed: [], checked: 5, manifestSha256: written.manifestSha256 });
  });

  it('reports a report whose content changed by one byte', async () => {
    await writeRunReports(failedFailoverInput(), dir);
    await flipByte(join(dir, 'report.md'));
    const result = await verifyReportDir(dir);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ file: 'report.md', kind: 'modified' })]);
  });

  it('reports an edited journal copy both as a modified file and as a journal digest mismatch', async () => {
    await writeRunReports(failedFailoverInput(), dir);
    await flipByte(join(dir, 'journal', `${FAILOVER_ID}.ndjson`), 40);
    const kinds = (await verifyReportDir(dir)).problems.map((p) => p.kind).sort();
    expect(kinds).toEqual(['journal-digest', 'modified']);
  });

  it('reports a removed file and an edited SHA256SUMS', async () => {
    await writeRunReports(failedFailoverInput(), dir);
    await unlink(join(dir, 'junit.xml'));
    const sums = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
    await writeFile(join(dir, 'SHA256SUMS'), sums.replace(/^[0-9a-f]{64}( {2}report\.json)$/m, `${'0'.repeat(64)}$1`));
    const problems = (await verifyReportDir(dir)).problems;
    expect(problems).toContainEqual(expect.objectContaining({ file: 'junit.xml', kind: 'missing' }));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'SHA256SUMS', kind: 'sums-mismatch', message: expect.stringContaining('report.json') }));
  });

  it('catches a directory re-sealed after tampering only against the seal recorded elsewhere', async () => {
    const written = await writeRunReports(failedFailoverInput(), dir);
    await flipByte(join(dir, 'report.md'));
    await sealReport({ dir, runId: FAILOVER_ID, files: ['report.md', 'report.html', 'junit.xml', 'report.json'], journals: [{ runId: FAILOVER_ID, file: `journal/${FAILOVER_ID}.ndjson` }] });
    expect((await verifyReportDir(dir)).ok).toBe(true);
    const result = await verifyReportDir(dir, { expectedManifestSha256: written.manifestSha256 });
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'seal-mismatch' })]);
  });

  it('lists files nobody sealed without failing, and fails on a missing manifest', async () => {
    await writeRunReports(failedFailoverInput(), dir);
    await writeFile(join(dir, 'notes.txt'), 'added later');
    expect(await verifyReportDir(dir)).toMatchObject({ ok: true, unsealed: ['notes.txt'] });
    await unlink(join(dir, 'manifest.json'));
    expect((await verifyReportDir(dir)).problems).toEqual([expect.objectContaining({ kind: 'manifest-unreadable' })]);
  });
});
