import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../../src/engine/checkpoint.js';
import { stateDirAt, type StateDir } from '../../src/engine/state-dir.js';
import { InputError } from '../../src/errors.js';
import { DRILL_RECORD_SCHEMA_VERSION, readReportInput, serializeJournal, writeDrillRecord, writeRunReports, type ReportRun } from '../../src/report/run-report/index.js';
import { renderJUnitReport, renderMarkdownReport } from '../../src/report/run-report/index.js';
import { DRILL_ID, FAILOVER_ID, PLAN_ID, RUNBOOK, drillInput, failedFailoverInput, planEvents } from './evidence-fixtures.js';
import { findAll, parseXml } from './evidence-xml.js';

let root: string;
let state: StateDir;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'drctl-state-'));
  state = stateDirAt(join(root, '.drctl'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What the engine leaves on disk for a run: checkpoint.json and journal.ndjson. */
async function recordRun(run: ReportRun): Promise<void> {
  await writeCheckpoint(state, run.checkpoint);
  await mkdir(dirname(state.journalFile(run.checkpoint.runId)), { recursive: true });
  await writeFile(state.journalFile(run.checkpoint.runId), serializeJournal(run.events));
}

describe('readReportInput', () => {
  it('rebuilds a failover report input from checkpoint.json and journal.ndjson', async () => {
    const input = failedFailoverInput();
    await recordRun(input.runs[0]!);
    expect(await readReportInput(state, FAILOVER_ID)).toEqual({ ...input, notes: [] });
  });

  it('regenerates byte-identical reports from the journal', async () => {
    const input = failedFailoverInput();
    await recordRun(input.runs[0]!);
    const original = await writeRunReports(input, join(root, 'original'));
    const regenerated = await writeRunReports(await readReportInput(state, FAILOVER_ID), join(root, 'again'));
    expect(regenerated.manifestSha256).toBe(original.manifestSha256);
    expect(await readFile(join(root, 'again', 'report.html'), 'utf8')).toBe(await readFile(join(root, 'original', 'report.html'), 'utf8'));
  });

  it('leaves out a torn journal line and says so in the notes', async () => {
    const input = failedFailoverInput();
    await recordRun(input.runs[0]!);
    await appendFile(state.journalFile(FAILOVER_ID), '{"type":"aws.ca');
    const read = await readReportInput(state, FAILOVER_ID);
    expect(read.runs[0]?.events).toHaveLength(input.runs[0]!.events.length);
    expect(read.notes).toEqual([expect.stringMatching(/line 16 could not be read \(torn write\?\)/)]);
  });

  it('reads a drill: its record, children listed by id and children linked only by parentRunId, in order', async () => {
    const input = drillInput();
    const [failover, failback] = input.runs;
    await recordRun(failover!);
    await recordRun(failback!);
    await writeDrillRecord(state, {
      schemaVersion: DRILL_RECORD_SCHEMA_VERSION,
      runId: DRILL_ID,
      runbook: RUNBOOK,
      resources: ['efs-prod'],
      status: 'failed',
      startedAt: '2026-01-02T00:00:00.000Z',
      startedBy: { user: 'alice', host: 'ops-1', pid: 1 },
      childRunIds: [failover!.checkpoint.runId, '20260102T000900Z-failback-gone00'],
      drill: input.drill!,
    });
    const read = await readReportInput(state, DRILL_ID);
    expect(read.kind).toBe('drill');
    expect(read.runs.map((r) => r.checkpoint.runId)).toEqual([failover!.checkpoint.runId, failback!.checkpoint.runId]);
    expect(read.drill).toEqual(input.drill);
    expect(read.notes).toEqual([expect.stringContaining('child run 20260102T000900Z-failback-gone00 of drill')]);
  });

  it('accepts an unambiguous prefix of a run id', async () => {
    await recordRun(failedFailoverInput().runs[0]!);
    expect((await readReportInput(state, '20260101T0000')).runId).toBe(FAILOVER_ID);
  });

  it('refuses an unknown run id with the recent runs and a suggestion (exit 2)', async () => {
    await recordRun(failedFailoverInput().runs[0]!);
    const err = await readReportInput(state, '20260101T000000Z-failover-a1b2c4').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toContain(`no run '20260101T000000Z-failover-a1b2c4' is recorded under ${state.runsDir}`);
    expect((err as InputError).hint).toContain(`Did you mean ${FAILOVER_ID}?`);
    await expect(readReportInput(state, '../../etc')).rejects.toThrow(/is not a run id/);
  });

  it('reports a dry run from its journal alone: what each step would do, a would-refuse step failing in JUnit', async () => {
    await mkdir(dirname(state.journalFile(PLAN_ID)), { recursive: true });
    await writeFile(state.journalFile(PLAN_ID), serializeJournal(planEvents()));
    const input = await readReportInput(state, PLAN_ID);
    expect(input).toMatchObject({ kind: 'failover', runId: PLAN_ID, runbook: RUNBOOK, resources: ['efs-prod'], notes: [] });
    const md = renderMarkdownReport(input);
    expect(md).toContain('| Outcome | **REFUSED** |');
    expect(md).toMatch(/\| `efs-prod\/preflight` \| efs.check \| no change needed \|/);
    expect(md).toMatch(/\| `efs-prod\/promote` \| efs.promote \| would act \|/);
    expect(md).toMatch(/\| `efs-prod\/reprotect` \| efs.replicate \| \*\*WOULD REFUSE\*\* \|.*holds changes not replicated/);
    expect(md).toContain('`req-efs-prod/promote`');
    const junit = parseXml(renderJUnitReport(input));
    expect(junit.attrs).toMatchObject({ tests: '3', failures: '1', skipped: '0' });
    expect(findAll(junit, 'failure')[0]?.attrs.message).toBe('would refuse: fs-0prod holds changes not replicated to fs-0dr');
  });
});
