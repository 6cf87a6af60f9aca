import { describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../../src/engine/events.js';
import { createMemoryOutput } from '../../src/report/output.js';
import { createReporter } from '../../src/report/reporter.js';
import { ANSI, ACCOUNT_IDS, buildEvents, dryRunFailover, failedFailover, successfulFailover } from './fixtures.js';

function renderPlain(events: ReturnType<typeof successfulFailover>, options: { verbose?: boolean } = {}) {
  const output = createMemoryOutput({ color: true, live: true });
  const reporter = createReporter('plain', output, {
    accountIds: ACCOUNT_IDS,
    journalPath: (runId) => `.drctl/runs/${runId}/journal.ndjson`,
    ...options,
  });
  for (const event of events) reporter.onEvent(event);
  reporter.finish();
  return output;
}

describe('plain reporter', () => {
  it('renders a run as timestamped, greppable lines', () => {
    expect(renderPlain(successfulFailover()).stdoutText()).toMatchSnapshot();
  });

  it('renders a failed step with the AWS error, request id and hint on its line', () => {
    const output = renderPlain(failedFailover());
    const failed = output.stdout.find((line) => line.includes('step efs-prod/promote  failed'));
    expect(failed).toBe(
      '2026-01-01T00:00:02Z  step efs-prod/promote  failed  2.5s  aws-error: efs DeleteReplicationConfiguration in account dr (222222222222) us-west-2 failed: AccessDeniedException: not authorized (AWS AccessDeniedException, request id req-9)  hint: Check that role arn:aws:iam::222222222222:role/drctl allows elasticfilesystem:DeleteReplicationConfiguration.',
    );
    expect(output.stdoutText()).toMatchSnapshot();
  });

  it('never writes ANSI escapes nor uses the live area, even when colour is allowed', () => {
    const output = renderPlain([...successfulFailover(), ...failedFailover(), ...dryRunFailover()]);
    expect(output.stdoutText()).not.toMatch(ANSI);
    expect(output.liveFrames).toEqual([]);
    expect(output.stderr).toEqual([]);
  });

  it('writes exactly one line per event that matters', () => {
    const events = successfulFailover();
    const output = renderPlain(events);
    // Left out by design: successful AWS calls (journal only) and a waiting reason repeated within a minute.
    // Every other event is exactly one line, in order, starting with its own time.
    const shown = events.filter(
      (e) => !(e.type === 'aws.call' && e.outcome === 'ok') && !(e.type === 'step.waiting' && e.elapsedMs === 30_000),
    );
    expect(output.stdout).toHaveLength(shown.length);
    shown.forEach((event, i) => expect(output.stdout[i]?.startsWith(event.time.replace(/\.\d+Z$/, 'Z'))).toBe(true));
  });

  it('prints every AWS call with --verbose', () => {
    const output = renderPlain(successfulFailover(), { verbose: true });
    expect(output.stdout.filter((line) => line.includes('  aws  '))).toEqual([
      '2026-01-01T00:00:00Z  aws  efs DescribeReplicationConfigurations  dr (222222222222) us-west-2  ok  request-id req-1  0.1s  step efs-prod/check',
      '2026-01-01T00:00:33Z  aws  efs DescribeReplicationConfigurations  dr (222222222222) us-west-2  error ThrottlingException  http 429  request-id req-3  0.1s  step efs-prod/promote',
    ]);
  });

  it('repeats an unchanged waiting reason at most once a minute, and always prints a new reason', () => {
    const waiting = (advance: number, reason: string, elapsedMs: number): [number, RunEventBody] => [
      advance,
      { type: 'step.waiting', key: 'efs-prod/promote', reason, elapsedMs },
    ];
    const events = buildEvents([
      waiting(0, 'replication DELETING', 0),
      waiting(15_000, 'replication DELETING', 15_000),
      waiting(15_000, 'replication DELETING', 30_000),
      waiting(15_000, 'destination protection REPLICATING', 45_000),
      waiting(61_000, 'destination protection REPLICATING', 106_000),
    ]);
    const lines = renderPlain(events).stdout;
    expect(lines).toEqual([
      '2026-01-01T00:00:00Z  step efs-prod/promote  waiting  0.0s  replication DELETING',
      '2026-01-01T00:00:45Z  step efs-prod/promote  waiting  45.0s  destination protection REPLICATING',
      '2026-01-01T00:01:46Z  step efs-prod/promote  waiting  1m46s  destination protection REPLICATING',
    ]);
  });

  it('renders a dry run as a plan: one line per step, one per call, account ids resolved', () => {
    const output = renderPlain(dryRunFailover());
    expect(output.stdoutText()).toMatchSnapshot();
    expect(output.stdout).toContain(
      '2026-01-01T00:00:00Z  plan efs-prod/promote  call  efs DeleteReplicationConfiguration  dr (222222222222) us-west-2  SourceFileSystemId=fs-0prod DeletionMode=ALL_CONFIGURATIONS',
    );
    expect(output.stdout.some((line) => line.includes('step efs-prod/check  started'))).toBe(false);
  });

  it('still prints one line for an event type it does not know', () => {
    const [event] = buildEvents([[0, { type: 'note', message: 'x' }]]);
    const output = createMemoryOutput();
    createReporter('plain', output).onEvent({ ...event, type: 'drill.measured' } as unknown as RunEvent);
    expect(output.stdout).toEqual(['2026-01-01T00:00:00Z  drill.measured']);
  });
});

describe('plain reporter: expected absences', () => {
  it('does not print a 404 NotFound answer (how steps observe that something is absent) unless verbose', async () => {
    const { createMemoryOutput } = await import('../../src/report/output.js');
    const { createReporter } = await import('../../src/report/reporter.js');
    const event = {
      type: 'aws.call', service: 'efs', operation: 'DescribeReplicationConfigurations', account: 'dr', accountId: '222222222222',
      region: 'us-west-2', durationMs: 5, outcome: 'error', errorName: 'ReplicationNotFound', httpStatus: 404,
      schemaVersion: 1, time: '2026-01-01T00:00:00.000Z', runId: 'r',
    } as const;
    const quiet = createMemoryOutput();
    createReporter('plain', quiet).onEvent(event);
    expect(quiet.stdout.join('\n')).not.toContain('ReplicationNotFound');
    const verbose = createMemoryOutput();
    createReporter('plain', verbose, { verbose: true }).onEvent(event);
    expect(verbose.stdout.join('\n')).toContain('error ReplicationNotFound');
  });
});
