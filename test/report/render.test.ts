import { describe, expect, it } from 'vitest';
import {
  DeclinedError,
  DrctlError,
  ExitCode,
  InputError,
  InterruptedError,
  LockError,
  RefusedError,
  StepError,
} from '../../src/errors.js';
import { renderDiagnostics, renderError, renderLockHolder, renderStatus, type DiagnosticLike, type StatusRun } from '../../src/report/render.js';
import { renderDiagnostic, sortDiagnostics, type Diagnostic } from '../../src/runbook/diagnostics.js';
import { ANSI } from './fixtures.js';

const HINT = 'Run drctl status to see where it stopped.';

describe('renderError', () => {
  const subclasses: Array<[string, DrctlError]> = [
    ['InputError', new InputError('unknown-fs', "no resource named 'efs-prdo' in runbooks/", { hint: HINT })],
    ['RefusedError', new RefusedError('wrong-account', 'credentials for dr belong to 333333333333, not 222222222222', { hint: HINT })],
    ['LockError', new LockError('lock-held', 'runbook efs-prod is locked by bob@ops-2', { hint: HINT })],
    ['DeclinedError', new DeclinedError('efs-prod/confirm was declined; nothing after it ran.', { hint: HINT })],
    ['StepError', new StepError('step-timeout', 'efs-prod/promote still DELETING after 20m', { hint: HINT })],
    ['InterruptedError', new InterruptedError('interrupted during efs-prod/promote', { hint: HINT })],
  ];

  it.each(subclasses)('renders %s with its code, message and hint line, and no stack', (_name, err) => {
    const text = renderError(err, { color: false });
    expect(text.split('\n')[0]).toBe(`error [${err.code}] ${err.message}`);
    expect(text.split('\n').at(-1)).toBe(`hint: ${HINT}`);
    expect(text).not.toContain(' at ');
    expect(text).not.toMatch(ANSI);
  });

  it('lists details under the message', () => {
    const err = new InputError('invalid-runbook', '2 problems in the runbooks; nothing was run', {
      details: ['runbooks/a.yaml:3:5  unknown-key  x', 'runbooks/a.yaml:9:1  missing-field  y'],
      hint: 'Fix the lines above.',
    });
    expect(renderError(err, { color: false })).toMatchSnapshot();
  });

  it('shows the AWS error name, HTTP status, request id and attempts of an AWS call error', () => {
    const err = Object.assign(
      new StepError('aws-error', 'efs DeleteReplicationConfiguration in account dr (222222222222) us-west-2 failed: access denied', {
        hint: 'Check the role arn:aws:iam::222222222222:role/drctl.',
      }),
      { awsErrorName: 'AccessDeniedException', httpStatus: 403, requestId: 'a1b2-c3d4', attempts: 3 },
    );
    const text = renderError(err, { color: false });
    expect(text).toContain('  AWS AccessDeniedException, HTTP 403, request id a1b2-c3d4, after 3 attempts');
    expect(text).toMatchSnapshot();
  });

  it('says so when AWS gave no request id (the call never reached AWS)', () => {
    const err = Object.assign(new StepError('aws-error', 'efs DescribeFileSystems in account prod us-east-1 failed: connect ECONNREFUSED'), {
      awsErrorName: 'ECONNREFUSED',
    });
    expect(renderError(err, { color: false })).toContain('AWS ECONNREFUSED, no request id');
  });

  it('adds the cause when it says more than the message', () => {
    const err = new RefusedError('wrong-account', 'could not verify account dr', { cause: new Error('ExpiredToken: token expired') });
    expect(renderError(err, { color: false })).toContain('  cause: Error: ExpiredToken: token expired');
  });

  it('reports an unexpected error as a bug, with the stack and what to do', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'Status')");
    const text = renderError(err, { color: false });
    expect(text.split('\n')[0]).toBe("internal error TypeError: Cannot read properties of undefined (reading 'Status')");
    expect(text).toContain('This is a bug in drctl');
    expect(text).toContain(err.stack!.split('\n')[1]!.trim());
    expect(text.split('\n').at(-1)).toMatch(/^hint: if a run was in progress, its checkpoint is kept and re-running the same command resumes it/);
  });

  it('renders a thrown non-Error value as a bug too', () => {
    expect(renderError('boom', { color: false })).toContain('internal error thrown value: boom');
  });

  it('colours only when asked', () => {
    const err = new StepError('x', 'y', { hint: 'z' });
    expect(renderError(err, { color: true })).toMatch(ANSI);
    expect(renderError(err, { color: false })).not.toMatch(ANSI);
    expect(err.exitCode).toBe(ExitCode.stepFailed);
  });
});

describe('renderDiagnostics', () => {
  const diagnostics: DiagnosticLike[] = [
    { code: 'needs-cycle', severity: 'error', file: 'runbooks/efs-prod.yaml', line: 40, col: 9, message: 'needs cycle: a → b → a', hint: 'remove one of the needs' },
    {
      code: 'unknown-key',
      severity: 'error',
      file: 'runbooks/efs-prod.yaml',
      line: 12,
      col: 5,
      message: "unknown key 'replicaton' in filesystems.efs-prod",
      hint: "did you mean 'replication'?",
    },
    { code: 'rpo-tight', severity: 'warning', file: 'runbooks/efs-prod.yaml', line: 20, col: 10, message: 'rpo 1m is below what EFS replication achieves', hint: 'use 15m or more' },
  ];

  it('prints file:line:col  code  message and a hint line, in source order, then a count', () => {
    expect(renderDiagnostics(diagnostics, { color: false })).toMatchSnapshot();
  });

  it('starts each diagnostic with its location and code exactly', () => {
    const lines = renderDiagnostics(diagnostics, { color: false }).split('\n');
    expect(lines[0]).toBe("runbooks/efs-prod.yaml:12:5  unknown-key  unknown key 'replicaton' in filesystems.efs-prod");
    expect(lines[1]).toBe("  hint: did you mean 'replication'?");
  });

  it("prints each diagnostic, without colour, exactly as the runbook loader's renderDiagnostic does", () => {
    const full: Diagnostic[] = diagnostics.map((d) => ({ ...d, path: [], hint: d.hint ?? '' }));
    const expected = sortDiagnostics(full).map(renderDiagnostic).join('\n');
    expect(renderDiagnostics(full, { color: false }).startsWith(`${expected}\n\n`)).toBe(true);
  });

  it('writes no ANSI without colour and some with it', () => {
    expect(renderDiagnostics(diagnostics, { color: false })).not.toMatch(ANSI);
    expect(renderDiagnostics(diagnostics, { color: true })).toMatch(ANSI);
  });
});

describe('renderStatus', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const runs: StatusRun[] = [
    {
      runId: 'failback-20260101-003000-beef',
      operation: 'failback',
      mode: 'preserve',
      runbook: 'efs-prod',
      resources: ['efs-prod'],
      status: 'failed',
      startedAt: '2026-01-01T00:30:00.000Z',
      updatedAt: '2026-01-01T00:42:00.000Z',
      steps: [
        { key: 'efs-prod/check', kind: 'efs.check', status: 'done', startedAt: '2026-01-01T00:30:00.000Z', endedAt: '2026-01-01T00:30:01.200Z', attempts: 1 },
        {
          key: 'efs-prod/replicate-back',
          kind: 'efs.replicate',
          status: 'failed',
          startedAt: '2026-01-01T00:30:01.200Z',
          endedAt: '2026-01-01T00:42:00.000Z',
          attempts: 3,
          error: { code: 'aws-error', message: 'ValidationException: fs-0prod is a replication destination', hint: 'Run drctl status', awsErrorName: 'ValidationException' },
        },
        { key: 'efs-prod/wait-in-sync', kind: 'efs.wait-in-sync', status: 'pending', attempts: 0 },
      ],
    },
    {
      runId: 'failover-20260101-000000-abcd',
      operation: 'failover',
      runbook: 'efs-prod',
      resources: ['efs-prod'],
      status: 'succeeded',
      startedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:04:12.000Z',
      steps: [{ key: 'efs-prod/promote', kind: 'efs.promote', status: 'done', startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:04:12.000Z', attempts: 1 }],
    },
  ];

  it('lists runs with their steps, timings, errors and how to resume an unfinished one', () => {
    expect(renderStatus(runs, { color: false, now })).toMatchSnapshot();
  });

  it('names the exact command that resumes a failed failback, mode included', () => {
    expect(renderStatus(runs, { color: false, now })).toContain(
      'next: re-run drctl failback --fs efs-prod --mode preserve to resume from efs-prod/replicate-back (add --new-run to start over).',
    );
  });

  it('says what to do when there is no run yet', () => {
    expect(renderStatus([], { color: false, now })).toBe(
      'No runs recorded in this directory.\nhint: start one with drctl failover --fs <name> (add --dry-run to preview it).',
    );
  });

  it('writes no ANSI without colour', () => {
    expect(renderStatus(runs, { color: false, now })).not.toMatch(ANSI);
    expect(renderStatus(runs, { color: true, now })).toMatch(ANSI);
  });
});

describe('renderLockHolder', () => {
  const holder = {
    user: 'bob',
    host: 'ops-2',
    pid: 4242,
    runId: 'failover-20260101-000000-abcd',
    operation: 'failover',
    runbook: 'efs-prod',
    since: '2026-01-01T00:00:00.000Z',
  };
  const now = Date.parse('2026-01-01T00:12:00Z');

  it('names the holder, since when, the run, and the safe options', () => {
    expect(renderLockHolder(holder, { color: false, now, fsNames: ['efs-prod'] })).toMatchSnapshot();
  });

  it('says the lock is stale when its holder is gone, with the command to break it', () => {
    const text = renderLockHolder(holder, { color: false, now, fsNames: ['efs-prod'], holderGone: true });
    expect(text).toContain('pid 4242 is no longer running on ops-2: the lock is stale.');
    expect(text).toContain('next: drctl unlock --fs efs-prod --force, then re-run your command (it resumes run failover-20260101-000000-abcd).');
  });

  it('copes with an unreadable lock file (unknown holder and time)', () => {
    const text = renderLockHolder({ ...holder, user: 'unknown', host: 'unknown', pid: 0, since: 'unknown' }, { color: false, now });
    expect(text.split('\n')[0]).toBe(
      'The lock on runbook efs-prod is held by unknown@unknown (pid 0) since an unknown time for run failover-20260101-000000-abcd (failover).',
    );
  });
});
