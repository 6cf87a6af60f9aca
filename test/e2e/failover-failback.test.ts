/**
 * The happy path an operator and a CI job take: `failover` then `failback` on the in-process sandbox, exit 0,
 * NDJSON events, `status`, the run reports; then a second `failback` that finds nothing to do. The tests share
 * one workspace and run in order: each starts from the world the previous one left.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { JsonEvent, Workspace } from '../helpers/spawn-drctl.js';
import { eventsOfType, expectOneWellFormedRun, mutatingCalls } from './support/events.js';

let ws: Workspace;
const runIds: Record<'failover' | 'failback', string> = { failover: '', failback: '' };

beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => ws.remove());

function reportFiles(runId: string): string[] {
  return ['report.md', 'junit.xml', 'report.json', 'report.html'].filter((f) => existsSync(ws.path('.drctl', 'reports', runId, f)));
}

describe('failover then failback on the sandbox', () => {
  it('fails over (exit 0) with well-formed JSON events and reports', async () => {
    const result = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--yes', '--output', 'json']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseJsonLines(result.stdout);
    const { runId, started, finished } = expectOneWellFormedRun(events);
    expect(started).toMatchObject({ operation: 'failover', runbook: 'efs-prod', resources: ['efs-prod'], dryRun: false, resumed: false });
    expect(finished).toMatchObject({ status: 'succeeded', exitCode: 0 });
    const steps = (started.steps as Array<{ key: string }>).map((s) => s.key);
    expect(steps).toEqual(['efs-prod/preflight', 'efs-prod/confirm', 'efs-prod/promote']);
    expect(eventsOfType(events, 'step.done').map((e) => e.key)).toEqual(steps);
    expect(eventsOfType(events, 'approval.granted')).toEqual([expect.objectContaining({ key: 'efs-prod/confirm', via: '--yes' })]);
    expect(mutatingCalls(events)).toContain('efs:DeleteReplicationConfiguration');
    expect(result.stderr).toContain(`Reports: ${ws.path('.drctl', 'reports', runId)}`);
    expect(reportFiles(runId)).toEqual(['report.md', 'junit.xml', 'report.json', 'report.html']);
    runIds.failover = runId;
  });

  it('fails back (exit 0) with a plain summary naming the run and its outcome', async () => {
    const result = await ws.run(['failback', '--fs', 'efs-prod', '--sandbox', '--yes']);
    expect(result.code, describeResult(result)).toBe(0);
    const summary = result.stdout.trim().split('\n').at(-1) ?? '';
    const runId = /run (\S+-failback-\S+)\s+succeeded\s+exit 0/.exec(summary)?.[1];
    expect(runId, summary).toBeDefined();
    expect(summary).toContain('5 done, 2 skipped, 0 failed');
    expect(result.stderr).not.toMatch(/error|warning/i);
    expect(reportFiles(runId ?? '')).toEqual(['report.md', 'junit.xml', 'report.json', 'report.html']);
    runIds.failback = runId ?? '';
  });

  it('`status --output json` shows both runs succeeded, newest first', async () => {
    const result = await ws.run(['status', '--output', 'json']);
    expect(result.code, describeResult(result)).toBe(0);
    const runs = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { runId: string; operation: string; status: string; steps: Array<{ status: string }> });
    expect(runs.map((r) => [r.runId, r.operation, r.status])).toEqual([
      [runIds.failback, 'failback', 'succeeded'],
      [runIds.failover, 'failover', 'succeeded'],
    ]);
    for (const run of runs) for (const step of run.steps) expect(['done', 'skipped']).toContain(step.status);
  });

  it('a second failback right after has nothing to do: exit 0, every step skipped, no mutating call', async () => {
    const result = await ws.run(['failback', '--fs', 'efs-prod', '--sandbox', '--yes', '--output', 'json']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseJsonLines(result.stdout);
    const { started, finished } = expectOneWellFormedRun(events);
    expect(started).toMatchObject({ operation: 'failback', resumed: false });
    expect(finished).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(eventsOfType(events, 'step.applying')).toEqual([]);
    expect(eventsOfType(events, 'approval.requested')).toEqual([]);
    expect(mutatingCalls(events)).toEqual([]);
    const done = eventsOfType(events, 'step.done');
    expect(done.map((e) => e.key)).toEqual((started.steps as Array<{ key: string }>).map((s) => s.key));
    expect(done.every((e: JsonEvent) => e.skipped === true)).toBe(true);
    expect(done[0]?.reason).toMatch(/efs-prod is in normal operation: fs-0123456789abcdef0 \(us-east-1\) → fs-0fedcba9876543210 \(us-west-2\) ENABLED .*nothing to fail back/);
    expect(done[1]?.reason).toBe('nothing to do: efs-prod/preflight found efs-prod already where this procedure leads');
  });

  it('`plan failback` agrees: exit 0, the preflight already done and the rest skipped', async () => {
    const result = await ws.run(['plan', 'failback', '--fs', 'efs-prod', '--sandbox', '--output', 'json']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseJsonLines(result.stdout);
    const { finished } = expectOneWellFormedRun(events);
    expect(finished).toMatchObject({ status: 'planned', exitCode: 0 });
    const states = eventsOfType(events, 'step.planned').map((e) => [e.key, e.state]);
    expect(states).toEqual([
      ['efs-prod/preflight', 'done'],
      ['efs-prod/remove-orphan', 'skipped'],
      ['efs-prod/replicate-back', 'skipped'],
      ['efs-prod/quiesce', 'skipped'],
      ['efs-prod/wait-in-sync', 'skipped'],
      ['efs-prod/promote-original', 'skipped'],
      ['efs-prod/reprotect', 'skipped'],
    ]);
  });
});
