import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.js';
import { writeCheckpoint } from '../../src/engine/checkpoint.js';
import { stateDirAt } from '../../src/engine/state-dir.js';
import { InputError } from '../../src/errors.js';
import { createMemoryOutput } from '../../src/report/output.js';
import { serializeJournal } from '../../src/report/run-report/index.js';
import { FAILOVER_ID, failedFailoverInput } from './evidence-fixtures.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drctl-report-cmd-'));
  const state = stateDirAt(join(root, '.drctl'));
  const run = failedFailoverInput().runs[0]!;
  await writeCheckpoint(state, run.checkpoint);
  await mkdir(dirname(state.journalFile(FAILOVER_ID)), { recursive: true });
  await writeFile(state.journalFile(FAILOVER_ID), serializeJournal(run.events));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('drctl report', () => {
  it('regenerates the reports into the default directory under the state dir and prints the seal', async () => {
    const output = createMemoryOutput();
    expect(await reportCommand({ runId: FAILOVER_ID, stateDir: join(root, '.drctl') }, output)).toBe(0);
    const dir = join(root, '.drctl', 'reports', FAILOVER_ID);
    expect(output.stdoutText()).toContain(`Reports for ${FAILOVER_ID} (failed) written to ${dir}:`);
    const seal = /Seal \(sha256 of manifest.json\): ([0-9a-f]{64})/.exec(output.stdoutText())?.[1];
    expect(seal).toBeDefined();
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites');

    const verified = createMemoryOutput();
    expect(await reportCommand({ verify: dir, seal }, verified)).toBe(0);
    expect(verified.stdoutText()).toContain('ok — 5 sealed files match');
  });

  it('--verify exits 1 and names the file when a report was changed', async () => {
    const dir = join(root, 'out');
    await reportCommand({ runId: FAILOVER_ID, stateDir: join(root, '.drctl'), reportDir: dir }, createMemoryOutput());
    await writeFile(join(dir, 'report.md'), (await readFile(join(dir, 'report.md'), 'utf8')).replace('FAILED', 'SUCCEEDED'));
    const output = createMemoryOutput();
    expect(await reportCommand({ verify: dir }, output)).toBe(1);
    expect(output.stderrText()).toContain('modified: report.md changed since it was sealed');
  });

  it('asks for a run id when given neither a run id nor --verify (exit 2)', async () => {
    const err = await reportCommand({}, createMemoryOutput()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
  });
});
