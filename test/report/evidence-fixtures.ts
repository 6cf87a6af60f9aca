/**
 * Report inputs for the run-report tests: a checkpoint and the journal events that go with it, built together
 * through the real EventBus on a FakeClock so both have exactly the shapes the engine writes.
 */
import type { Checkpoint, StepState } from '../../src/engine/checkpoint.js';
import { EventBus, type EventError, type RunEvent, type RunStatus } from '../../src/engine/events.js';
import type { ReportInput, ReportRun } from '../../src/report/run-report/index.js';
import { FakeClock } from '../../src/util/clock.js';

export interface StepScript {
  key: string;
  kind: string;
  description: string;
  /** done, skipped (already in the desired state), failed, pending (never reached), skipped-before-start. */
  status: 'done' | 'skipped' | 'failed' | 'pending' | 'skipped-before-start';
  durationMs?: number;
  reason?: string;
  error?: EventError;
  attempts?: number;
  requestIds?: string[];
  approval?: { by: string; via: 'prompt' | '--yes' | '--approve'; question: string };
}

export interface RunScript {
  runId: string;
  operation: 'failover' | 'failback';
  status: Exclude<RunStatus, 'planned'>;
  startAt?: number;
  steps: StepScript[];
  parentRunId?: string;
  finishedMessage?: string;
}

export const RUNBOOK = { name: 'efs-prod', file: 'runbooks/efs-prod.yaml', digest: 'd'.repeat(64) };
export const DR_ARN = 'arn:aws:sts::222222222222:assumed-role/drctl/drctl-run';
export const PROD_ARN = 'arn:aws:sts::111111111111:assumed-role/drctl/drctl-run';

export function buildRun(script: RunScript): ReportRun {
  const clock = new FakeClock(script.startAt);
  const bus = new EventBus(script.runId, () => clock.now());
  const events: RunEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const iso = () => new Date(clock.now()).toISOString();
  const startedAt = iso();
  const resource = script.steps[0]?.key.split('/')[0] ?? 'efs-prod';
  bus.emit({
    type: 'run.started',
    operation: script.operation,
    runbook: RUNBOOK.name,
    runbookFile: RUNBOOK.file,
    digest: RUNBOOK.digest,
    resources: [resource],
    dryRun: false,
    resumed: false,
    steps: script.steps.map((s) => ({ key: s.key, kind: s.kind, description: s.description, needs: [] })),
  });
  clock.advance(100);
  bus.emit({ type: 'identity.verified', account: 'dr', accountId: '222222222222', arn: DR_ARN });
  bus.emit({ type: 'identity.verified', account: 'prod', accountId: '111111111111', arn: PROD_ARN });
  const states: StepState[] = [];
  for (const s of script.steps) {
    const [res = resource, id = s.key] = s.key.split('/');
    const state: StepState = { key: s.key, resource: res, id, kind: s.kind, description: s.description, status: 'pending', attempts: s.attempts ?? 1, outputs: {}, applied: [] };
    states.push(state);
    if (s.status === 'pending') {
      state.attempts = 0;
      continue;
    }
    if (s.status === 'skipped-before-start') {
      state.status = 'skipped';
      state.reason = s.reason ?? 'needs the primary region, which is marked unavailable (--primary-unavailable)';
      state.endedAt = iso();
      bus.emit({ type: 'step.done', key: s.key, skipped: true, reason: state.reason, durationMs: 0, outputs: {} });
      continue;
    }
    state.startedAt = iso();
    bus.emit({ type: 'step.started', key: s.key, resource: res, stepId: id, kind: s.kind, description: s.description });
    const duration = s.durationMs ?? 1000;
    for (const requestId of s.requestIds ?? []) {
      clock.advance(Math.floor(duration / ((s.requestIds?.length ?? 1) + 1)));
      bus.emit({ type: 'aws.call', key: s.key, service: 'efs', operation: 'DescribeReplicationConfigurations', account: 'dr', accountId: '222222222222', region: 'us-west-2', requestId, durationMs: 40, outcome: 'ok' });
    }
    if (s.approval) {
      bus.emit({ type: 'approval.requested', key: s.key, question: s.approval.question });
      bus.emit({ type: 'approval.granted', key: s.key, by: s.approval.by, via: s.approval.via });
      state.outputs = { approvedAt: iso(), approvedBy: s.approval.by, approvedVia: s.approval.via };
    }
    state.startedAt = state.startedAt ?? iso();
    clock.set(Date.parse(state.startedAt) + duration);
    state.endedAt = iso();
    if (s.status === 'failed') {
      state.status = 'failed';
      state.error = s.error ?? { code: 'aws-error', message: 'failed' };
      bus.emit({ type: 'step.failed', key: s.key, durationMs: duration, error: state.error });
    } else {
      state.status = s.status;
      state.reason = s.reason ?? (s.status === 'skipped' ? 'already in the desired state' : 'done');
      bus.emit({ type: 'step.done', key: s.key, skipped: s.status === 'skipped', reason: state.reason, durationMs: duration, outputs: state.outputs });
    }
    clock.advance(10);
  }
  const exitCode = script.status === 'succeeded' ? 0 : 1;
  bus.emit({ type: 'run.finished', status: script.status, exitCode, durationMs: clock.now() - Date.parse(startedAt), ...(script.finishedMessage ? { message: script.finishedMessage } : {}) });
  const checkpoint: Checkpoint = {
    schemaVersion: 1,
    runId: script.runId,
    operation: script.operation,
    mode: 'preserve',
    runbook: RUNBOOK.name,
    runbookFile: RUNBOOK.file,
    digest: RUNBOOK.digest,
    resources: [resource],
    primaryUnavailable: false,
    status: script.status,
    startedAt,
    updatedAt: iso(),
    ...(script.status === 'succeeded' ? { finishedAt: iso() } : {}),
    startedBy: { user: 'alice', host: 'ops-1', pid: 4242 },
    identities: [
      { account: 'dr', accountId: '222222222222', arn: DR_ARN, userId: 'AROA:drctl' },
      { account: 'prod', accountId: '111111111111', arn: PROD_ARN, userId: 'AROA:drctl' },
    ],
    steps: states,
    ...(script.parentRunId ? { parentRunId: script.parentRunId } : {}),
  };
  return { checkpoint, events };
}

export const FAILOVER_ID = '20260101T000000Z-failover-a1b2c3';

/** A failover that fails at promote: one done step, an approval, a failure with request id, one step never reached. */
export function failedFailoverInput(): ReportInput {
  const run = buildRun({
    runId: FAILOVER_ID,
    operation: 'failover',
    status: 'failed',
    finishedMessage: 'efs-prod/promote failed',
    steps: [
      { key: 'efs-prod/check', kind: 'efs.check', description: 'check replication prod → dr', status: 'done', reason: 'lag 42s within RPO 15m', requestIds: ['req-check-1'], durationMs: 4000 },
      { key: 'efs-prod/notify-primary', kind: 'exec', description: 'tell the primary', status: 'skipped-before-start' },
      { key: 'efs-prod/confirm', kind: 'approval', description: 'ask: Promote fs-0dr?', status: 'done', approval: { by: 'alice', via: 'prompt', question: 'Promote fs-0dr <& "now">?' }, durationMs: 9000 },
      {
        key: 'efs-prod/promote',
        kind: 'efs.promote',
        description: 'promote fs-0dr',
        status: 'failed',
        attempts: 2,
        requestIds: ['req-promote-1'],
        durationMs: 30_000,
        error: { code: 'aws-error', message: 'AccessDeniedException: not authorized <to> delete & "stuff"', awsErrorName: 'AccessDeniedException', requestId: 'req-promote-2', hint: 'Grant elasticfilesystem:DeleteReplicationConfiguration.' },
      },
      { key: 'efs-prod/verify', kind: 'efs.check', description: 'verify', status: 'pending' },
    ],
  });
  return { kind: 'failover', runId: FAILOVER_ID, runbook: RUNBOOK, resources: ['efs-prod'], runs: [run] };
}

export const DRILL_ID = '20260102T000000Z-drill-d1d2d3';

/** A drill (failover then failback, linked by parentRunId) with measurements and checks, one check failing. */
export function drillInput(options: { allOk?: boolean } = {}): ReportInput {
  const start = Date.parse('2026-01-02T00:00:00Z');
  const failover = buildRun({
    runId: '20260102T000001Z-failover-f0f0f0',
    operation: 'failover',
    status: 'succeeded',
    startAt: start + 1000,
    parentRunId: DRILL_ID,
    steps: [
      { key: 'efs-prod/check', kind: 'efs.check', description: 'check', status: 'done', requestIds: ['req-a'], durationMs: 2000 },
      { key: 'efs-prod/promote', kind: 'efs.promote', description: 'promote', status: 'done', requestIds: ['req-b', 'req-c'], durationMs: 60_000 },
    ],
  });
  const failback = buildRun({
    runId: '20260102T000500Z-failback-b0b0b0',
    operation: 'failback',
    status: 'succeeded',
    startAt: start + 300_000,
    parentRunId: DRILL_ID,
    steps: [
      { key: 'efs-prod/check', kind: 'efs.check', description: 'check', status: 'skipped', durationMs: 500 },
      { key: 'efs-prod/reverse', kind: 'efs.reverse', description: 'reverse', status: 'done', requestIds: ['req-d'], durationMs: 120_000 },
    ],
  });
  return {
    kind: 'drill',
    runId: DRILL_ID,
    runbook: RUNBOOK,
    resources: ['efs-prod'],
    runs: [failover, failback],
    drill: {
      phases: [
        { name: 'steady-state', startedAt: '2026-01-02T00:00:00.000Z', endedAt: '2026-01-02T00:00:01.000Z', outcome: 'ok' },
        { name: 'failover', startedAt: '2026-01-02T00:00:01.000Z', endedAt: '2026-01-02T00:01:05.000Z', outcome: 'ok' },
        { name: 'failback', startedAt: '2026-01-02T00:05:00.000Z', endedAt: '2026-01-02T00:07:01.000Z', outcome: 'ok' },
      ],
      measurements: [{ resource: 'efs-prod', rtoMs: 64_000, rtoTargetMs: 3_600_000, rpoMs: 42_000, rpoTargetMs: 900_000, rpoSource: 'EFS LastReplicatedTimestamp' }],
      checks: [
        { name: 'canary readable on DR', resource: 'efs-prod', ok: true, detail: 'canary drill-1 read back on fs-0dr' },
        { name: 'replication restored', resource: 'efs-prod', ok: options.allOk ?? false, detail: options.allOk ? 'ENABLED' : 'replication is ENABLING after 10m' },
        { name: 'lock released', ok: true, detail: 'no lock left' },
      ],
      restoreHint: 'drctl failback --fs efs-prod --mode discard',
    },
  };
}

export function successfulFailoverInput(): ReportInput {
  const run = buildRun({
    runId: FAILOVER_ID,
    operation: 'failover',
    status: 'succeeded',
    steps: [
      { key: 'efs-prod/check', kind: 'efs.check', description: 'check', status: 'done', requestIds: ['req-1'] },
      { key: 'efs-prod/promote', kind: 'efs.promote', description: 'promote', status: 'done', requestIds: ['req-2'] },
    ],
  });
  return { kind: 'failover', runId: FAILOVER_ID, runbook: RUNBOOK, resources: ['efs-prod'], runs: [run] };
}

export const PLAN_ID = '20260103T000000Z-failover-plan-p1p2p3';

/** The journal of a dry run (no checkpoint): one step already done, one that would act, one that would refuse. */
export function planEvents(): RunEvent[] {
  const clock = new FakeClock(Date.parse('2026-01-03T00:00:00Z'));
  const bus = new EventBus(PLAN_ID, () => clock.now());
  const events: RunEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const steps = [
    { key: 'efs-prod/preflight', kind: 'efs.check', description: 'check replication', needs: [] },
    { key: 'efs-prod/promote', kind: 'efs.promote', description: 'promote fs-0dr', needs: ['efs-prod/preflight'] },
    { key: 'efs-prod/reprotect', kind: 'efs.replicate', description: 'replicate back', needs: ['efs-prod/promote'] },
  ];
  bus.emit({ type: 'run.started', operation: 'failover', runbook: RUNBOOK.name, runbookFile: RUNBOOK.file, digest: RUNBOOK.digest, resources: ['efs-prod'], dryRun: true, resumed: false, steps });
  bus.emit({ type: 'identity.verified', account: 'dr', accountId: '222222222222', arn: DR_ARN });
  const plan = (key: string, state: 'done' | 'apply' | 'blocked', reason: string) => {
    bus.emit({ type: 'step.started', key, resource: 'efs-prod', stepId: key.split('/')[1] ?? key, kind: 'k', description: 'd' });
    clock.advance(200);
    bus.emit({ type: 'aws.call', key, service: 'efs', operation: 'DescribeReplicationConfigurations', account: 'dr', accountId: '222222222222', region: 'us-west-2', requestId: `req-${key}`, durationMs: 50, outcome: 'ok' });
    bus.emit({ type: 'step.planned', key, reason, calls: [], afterPending: false, state });
  };
  plan('efs-prod/preflight', 'done', 'lag 2s within RPO 15m');
  plan('efs-prod/promote', 'apply', 'delete the replication');
  plan('efs-prod/reprotect', 'blocked', 'fs-0prod holds changes not replicated to fs-0dr');
  bus.emit({ type: 'run.finished', status: 'refused', exitCode: 3, durationMs: clock.now() - Date.parse('2026-01-03T00:00:00Z'), message: 'a preflight or safety check would refuse' });
  return events;
}
