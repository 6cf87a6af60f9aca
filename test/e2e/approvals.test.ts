/**
 * Exit code 5: an approval is needed and the run cannot ask (no TTY, no --yes, no --approve). The message says
 * which gate and how to pass it; the run stops before any change and resumes at the gate once approved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult, parseJsonLines } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';
import { eventsOfType, expectOneWellFormedRun, mutatingCalls } from './support/events.js';

let ws: Workspace;
let declinedRunId = '';

beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => ws.remove());

describe('approvals without a terminal', () => {
  it('failover without --yes and without a TTY: exit 5 with the --yes / --approve hint, nothing changed', async () => {
    const result = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox']);
    expect(result.code, describeResult(result)).toBe(5);
    expect(result.stdout).toMatch(/approval efs-prod\/confirm +declined +by \S+ +non-interactive/);
    expect(result.stdout).toContain('confirmation-declined: efs-prod/confirm needs an approval and this run is not interactive: Fail over efs-prod');
    expect(result.stdout).toContain('hint: Re-run with --yes to approve every gate, or --approve confirm to approve this one.');
    const summary = /run (\S+-failover-\S+) +declined +exit 5/.exec(result.stdout);
    expect(summary, result.stdout).not.toBeNull();
    declinedRunId = summary?.[1] ?? '';
    expect(result.stdout).not.toMatch(/efs-prod\/promote +(started|applying)/);

    const status = await ws.run(['status', '--output', 'json']);
    expect(JSON.parse(status.stdout.trim())).toMatchObject({ runId: declinedRunId, status: 'declined' });
  });

  it('`--approve confirm` resumes the same run at the gate and fails over (exit 0)', async () => {
    const result = await ws.run(['failover', '--fs', 'efs-prod', '--sandbox', '--approve', 'confirm', '--output', 'json']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseJsonLines(result.stdout);
    const { runId, started, finished } = expectOneWellFormedRun(events);
    expect(runId).toBe(declinedRunId);
    expect(started.resumed).toBe(true);
    expect(eventsOfType(events, 'approval.granted')).toEqual([expect.objectContaining({ key: 'efs-prod/confirm', via: '--approve' })]);
    expect(mutatingCalls(events)).toContain('efs:DeleteReplicationConfiguration');
    expect(finished).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });
});
