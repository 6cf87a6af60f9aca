/**
 * Fixed event streams for reporter tests: a failover that succeeds (with a wait, a retry, an approval, a note and
 * a failed AWS call), one that fails, and a dry run. Built through the real EventBus on a FakeClock so the events
 * have exactly the shape the engine emits.
 */
import { EventBus, type RunEvent, type RunEventBody } from '../../src/engine/events.js';
import { FakeClock } from '../../src/util/clock.js';

export const ACCOUNT_IDS = { prod: '111111111111', dr: '222222222222' };

/** Emits each body after advancing the clock by the given ms; returns the events as subscribers saw them. */
export function buildEvents(script: Array<[number, RunEventBody]>, runId = 'failover-20260101-000000-abcd'): RunEvent[] {
  const clock = new FakeClock();
  const bus = new EventBus(runId, () => clock.now());
  const events: RunEvent[] = [];
  bus.subscribe((event) => events.push(event));
  for (const [advanceMs, body] of script) {
    clock.advance(advanceMs);
    bus.emit(body);
  }
  return events;
}

const steps = [
  { key: 'efs-prod/check', kind: 'efs.check', description: 'check replication prod → dr is healthy and within RPO 15m', needs: [] },
  { key: 'efs-prod/confirm', kind: 'approval', description: 'ask: Promote fs-0dr to writable?', needs: ['efs-prod/check'] },
  { key: 'efs-prod/promote', kind: 'efs.promote', description: 'promote fs-0dr (delete replication from fs-0prod)', needs: ['efs-prod/confirm'] },
];

function started(dryRun: boolean): RunEventBody {
  return {
    type: 'run.started',
    operation: 'failover',
    runbook: 'efs-prod',
    runbookFile: 'runbooks/efs-prod.yaml',
    digest: 'abc123',
    resources: ['efs-prod'],
    dryRun,
    resumed: false,
    steps,
  };
}

const stepStarted = (key: string, kind: string, description: string): RunEventBody => ({
  type: 'step.started',
  key,
  resource: 'efs-prod',
  stepId: key.split('/')[1] ?? key,
  kind,
  description,
});

export function successfulFailover(): RunEvent[] {
  return buildEvents([
    [0, started(false)],
    [120, { type: 'identity.verified', account: 'dr', accountId: '222222222222', arn: 'arn:aws:sts::222222222222:assumed-role/drctl/drctl-run' }],
    [10, stepStarted('efs-prod/check', 'efs.check', 'check replication prod → dr is healthy and within RPO 15m')],
    [
      300,
      {
        type: 'aws.call',
        key: 'efs-prod/check',
        service: 'efs',
        operation: 'DescribeReplicationConfigurations',
        account: 'dr',
        accountId: '222222222222',
        region: 'us-west-2',
        requestId: 'req-1',
        durationMs: 80,
        outcome: 'ok',
      },
    ],
    [100, { type: 'step.done', key: 'efs-prod/check', skipped: false, reason: 'replication ENABLED, lag 42s within RPO 15m', durationMs: 410, outputs: { lagSeconds: 42 } }],
    [5, stepStarted('efs-prod/confirm', 'approval', 'ask: Promote fs-0dr to writable?')],
    [1, { type: 'approval.requested', key: 'efs-prod/confirm', question: 'Promote fs-0dr to writable?' }],
    [1, { type: 'approval.granted', key: 'efs-prod/confirm', by: 'alice', via: '--yes' }],
    [1, { type: 'step.done', key: 'efs-prod/confirm', skipped: false, reason: 'approved', durationMs: 3, outputs: { approvedBy: 'alice' } }],
    [5, stepStarted('efs-prod/promote', 'efs.promote', 'promote fs-0dr (delete replication from fs-0prod)')],
    [
      200,
      {
        type: 'step.retrying',
        key: 'efs-prod/promote',
        attempt: 2,
        delayMs: 1600,
        error: { code: 'aws-error', message: 'Rate exceeded', awsErrorName: 'ThrottlingException', requestId: 'req-2' },
      },
    ],
    [1600, { type: 'step.applying', key: 'efs-prod/promote', phase: 'delete', reason: 'replication fs-0prod → fs-0dr is ENABLED' }],
    [15_000, { type: 'step.waiting', key: 'efs-prod/promote', reason: 'replication DELETING', elapsedMs: 15_000 }],
    [15_000, { type: 'step.waiting', key: 'efs-prod/promote', reason: 'replication DELETING', elapsedMs: 30_000 }],
    [
      1000,
      {
        type: 'aws.call',
        key: 'efs-prod/promote',
        service: 'efs',
        operation: 'DescribeReplicationConfigurations',
        account: 'dr',
        accountId: '222222222222',
        region: 'us-west-2',
        requestId: 'req-3',
        durationMs: 60,
        outcome: 'error',
        errorName: 'ThrottlingException',
        httpStatus: 429,
      },
    ],
    [100, { type: 'note', key: 'efs-prod/promote', message: 'accepted RPO point 2026-01-01T00:00:00Z (lag 42s)' }],
    [100, { type: 'step.done', key: 'efs-prod/promote', skipped: false, reason: 'fs-0dr is writable (protection ENABLED)', durationMs: 33_000, outputs: {} }],
    [50, { type: 'run.finished', status: 'succeeded', exitCode: 0, durationMs: 33_700 }],
  ]);
}

export function failedFailover(): RunEvent[] {
  return buildEvents([
    [0, started(false)],
    [10, { type: 'step.done', key: 'efs-prod/check', skipped: true, reason: 'done in an earlier attempt of this run', durationMs: 0, outputs: {} }],
    [10, { type: 'step.done', key: 'efs-prod/confirm', skipped: true, reason: 'approved earlier', durationMs: 0, outputs: {} }],
    [10, stepStarted('efs-prod/promote', 'efs.promote', 'promote fs-0dr (delete replication from fs-0prod)')],
    [
      2500,
      {
        type: 'step.failed',
        key: 'efs-prod/promote',
        durationMs: 2500,
        error: {
          code: 'aws-error',
          message: 'efs DeleteReplicationConfiguration in account dr (222222222222) us-west-2 failed: AccessDeniedException: not authorized',
          hint: 'Check that role arn:aws:iam::222222222222:role/drctl allows elasticfilesystem:DeleteReplicationConfiguration.',
          awsErrorName: 'AccessDeniedException',
          requestId: 'req-9',
        },
      },
    ],
    [10, { type: 'run.finished', status: 'failed', exitCode: 1, durationMs: 2540, message: 'efs-prod/promote failed' }],
  ]);
}

/** A dry run as src/engine/dry-run.ts emits it: step.started, then step.planned with the outcome in the reason. */
export function dryRunFailover(): RunEvent[] {
  return buildEvents(
    [
      [0, started(true)],
      [5, stepStarted('efs-prod/check', 'efs.check', 'check replication prod → dr is healthy and within RPO 15m')],
      [300, { type: 'step.planned', key: 'efs-prod/check', reason: 'already done: replication ENABLED, lag 42s within RPO 15m', calls: [], afterPending: false }],
      [5, stepStarted('efs-prod/confirm', 'approval', 'ask: Promote fs-0dr to writable?')],
      [1, { type: 'step.planned', key: 'efs-prod/confirm', reason: 'Promote fs-0dr to writable?', calls: [], afterPending: false }],
      [5, stepStarted('efs-prod/promote', 'efs.promote', 'promote fs-0dr (delete replication from fs-0prod)')],
      [
        1,
        {
          type: 'step.planned',
          key: 'efs-prod/promote',
          reason: 'after efs-prod/confirm',
          calls: [
            {
              service: 'efs',
              operation: 'DeleteReplicationConfiguration',
              account: 'dr',
              region: 'us-west-2',
              params: { SourceFileSystemId: 'fs-0prod', DeletionMode: 'ALL_CONFIGURATIONS' },
            },
            {
              service: 'efs',
              operation: 'DeleteReplicationConfiguration',
              account: 'dr',
              region: 'us-west-2',
              params: { SourceFileSystemId: 'fs-0prod', DeletionMode: 'LOCAL_CONFIGURATION_ONLY' },
              note: 'only when the primary region does not answer',
            },
          ],
          afterPending: true,
        },
      ],
      [10, { type: 'run.finished', status: 'planned', exitCode: 0, durationMs: 327 }],
    ],
    'failover-plan-20260101-000000-abcd',
  );
}

/** Matches any ANSI escape sequence (colour, cursor movement). */
// eslint-disable-next-line no-control-regex
export const ANSI = /\u001b\[/;
