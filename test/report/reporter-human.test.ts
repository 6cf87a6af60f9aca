import { describe, expect, it } from 'vitest';
import { createMemoryOutput } from '../../src/report/output.js';
import { createReporter } from '../../src/report/reporter.js';
import { ANSI, ACCOUNT_IDS, dryRunFailover, failedFailover, successfulFailover } from './fixtures.js';
import type { RunEvent } from '../../src/engine/events.js';

function renderHuman(events: RunEvent[], color = false) {
  const output = createMemoryOutput({ isTTY: true, color, live: true });
  const reporter = createReporter('human', output, {
    accountIds: ACCOUNT_IDS,
    journalPath: (runId) => `.drctl/runs/${runId}/journal.ndjson`,
  });
  for (const event of events) reporter.onEvent(event);
  reporter.finish();
  return { output, reporter };
}

describe('human reporter', () => {
  it('prints ✓ lines with durations, approvals, notes, dimmed failed calls and a summary with run id and journal', () => {
    const { output } = renderHuman(successfulFailover());
    expect(output.stdoutText()).toMatchSnapshot();
    expect(output.stdout.at(-1)).toBe('  run failover-20260101-000000-abcd  journal .drctl/runs/failover-20260101-000000-abcd/journal.ndjson');
  });

  it('does not print successful AWS calls', () => {
    const { output } = renderHuman(successfulFailover());
    expect(output.stdout.some((line) => line.includes('req-1'))).toBe(false);
    expect(output.stdout.some((line) => line.includes('answered ThrottlingException (HTTP 429), request id req-3'))).toBe(true);
  });

  it('prints ↷ for skipped steps and ✗ with the AWS error, request id and hint for a failed one', () => {
    const { output } = renderHuman(failedFailover());
    expect(output.stdoutText()).toMatchSnapshot();
    expect(output.stdout).toContain('    code aws-error, AWS AccessDeniedException, request id req-9');
    expect(output.stdout).toContain(
      '    hint: Check that role arn:aws:iam::222222222222:role/drctl allows elasticfilesystem:DeleteReplicationConfiguration.',
    );
  });

  it('shows each running step on the spinner with what it is doing or waiting for', () => {
    const { output } = renderHuman(successfulFailover());
    expect(output.liveFrames).toContainEqual(['efs-prod/check  check replication prod → dr is healthy and within RPO 15m']);
    expect(output.liveFrames).toContainEqual(['efs-prod/promote  retrying in 1.6s (attempt 2) after ThrottlingException']);
    expect(output.liveFrames).toContainEqual(['efs-prod/promote  delete: replication fs-0prod → fs-0dr is ENABLED']);
    expect(output.liveFrames).toContainEqual(['efs-prod/promote  waiting 30.0s: replication DELETING']);
    expect(output.liveFrames.at(-1)).toEqual([]);
    expect(output.liveLog.at(-1)).toBe('stop');
  });

  it('shows parallel steps as separate spinner lines and drops each when it ends', () => {
    const [started] = successfulFailover();
    const base = { schemaVersion: 1, runId: 'r', time: '2026-01-01T00:00:00.000Z' } as const;
    const begin = (key: string): RunEvent => ({ ...base, type: 'step.started', key, resource: key.split('/')[0]!, stepId: 'promote', kind: 'efs.promote', description: `promote ${key}` });
    const { output } = renderHuman([
      started!,
      begin('efs-a/promote'),
      begin('efs-b/promote'),
      { ...base, type: 'step.waiting', key: 'efs-a/promote', reason: 'replication DELETING', elapsedMs: 2000 },
      { ...base, type: 'step.done', key: 'efs-b/promote', skipped: false, reason: 'writable', durationMs: 2100, outputs: {} },
    ]);
    expect(output.liveFrames.slice(-3)).toEqual([
      ['efs-a/promote  promote efs-a/promote', 'efs-b/promote  promote efs-b/promote'],
      ['efs-a/promote  waiting 2.0s: replication DELETING', 'efs-b/promote  promote efs-b/promote'],
      ['efs-a/promote  waiting 2.0s: replication DELETING'],
    ]);
  });

  it('takes the spinner down around every permanent line', () => {
    const { output } = renderHuman(failedFailover());
    const pauses = output.liveLog.filter((op) => op === 'pause').length;
    expect(pauses).toBeGreaterThan(0);
    expect(output.liveLog.filter((op) => op === 'resume').length).toBe(pauses);
  });

  it('keeps the spinner down while a prompt holds the terminal, even when lines are printed meanwhile', () => {
    const output = createMemoryOutput({ isTTY: true, live: true });
    const reporter = createReporter('human', output);
    const [started, , , , , stepStarted] = successfulFailover();
    reporter.onEvent(started!);
    reporter.onEvent(stepStarted!);
    output.liveLog.length = 0;
    reporter.pause();
    reporter.onEvent({ ...stepStarted!, type: 'note', message: 'while asking' } as RunEvent);
    expect(output.liveLog).toEqual(['pause']);
    reporter.resume();
    expect(output.liveLog).toEqual(['pause', 'resume']);
  });

  it('renders a dry run as a plan with calls, "already done" and "after" lines, and says nothing changed', () => {
    const { output } = renderHuman(dryRunFailover());
    expect(output.stdoutText()).toMatchSnapshot();
    expect(output.stdout).toContain('    → efs DeleteReplicationConfiguration  dr (222222222222) us-west-2  SourceFileSystemId=fs-0prod DeletionMode=ALL_CONFIGURATIONS');
    expect(output.stdout).toContain('    already done: replication ENABLED, lag 42s within RPO 15m');
    expect(output.stdout).toContain('    after efs-prod/confirm; may call:');
    expect(output.liveFrames.at(-1)).toEqual([]);
  });

  it('colours with ANSI when colour is allowed, and writes none when it is not', () => {
    const all = [...successfulFailover(), ...failedFailover(), ...dryRunFailover()];
    expect(renderHuman(all, true).output.stdoutText()).toMatch(ANSI);
    expect(renderHuman(all, false).output.stdoutText()).not.toMatch(ANSI);
  });

  it('works without a live area (human output forced onto a pipe)', () => {
    const output = createMemoryOutput({ isTTY: false });
    const reporter = createReporter('human', output);
    for (const event of successfulFailover()) reporter.onEvent(event);
    reporter.finish();
    expect(output.stdout.some((line) => line.startsWith('✓ efs-prod/promote'))).toBe(true);
  });

  it('reports a rendering bug once on stderr instead of failing the run', () => {
    const output = createMemoryOutput();
    const reporter = createReporter('human', output);
    const broken = { type: 'step.done', key: 'x', skipped: false, durationMs: 1, outputs: {}, schemaVersion: 1, time: 't', runId: 'r' } as unknown as RunEvent;
    expect(() => reporter.onEvent(broken)).not.toThrow();
    expect(() => reporter.onEvent(broken)).not.toThrow();
    expect(output.stderr[0]).toContain('internal error while rendering output');
    expect(output.stderr.filter((line) => line.includes('internal error')).length).toBe(1);
  });
});
