import { describe, expect, it } from 'vitest';
import { exec, execEnvironment } from '../../src/steps/exec.js';
import { StepError } from '../../src/errors.js';
import { EFS_SECONDARY_ID, buildStepContext } from '../helpers/step-context.js';

describe('exec', () => {
  it('gives the command the run context, the active side and earlier outputs in DRCTL_* variables', () => {
    const ctx = buildStepContext({ operation: 'failover', stepId: 'remount', outputs: { promote: { promotedAt: '2026-01-01T00:00:00Z', deletionMode: 'ALL_CONFIGURATIONS' } } });
    const env = execEnvironment(ctx);
    expect(env).toMatchObject({
      DRCTL_OPERATION: 'failover',
      DRCTL_STEP_ID: 'remount',
      DRCTL_ACTIVE_SIDE: 'secondary',
      DRCTL_ACTIVE_FILE_SYSTEM_ID: EFS_SECONDARY_ID,
      DRCTL_SECONDARY_REGION: 'us-west-2',
      DRCTL_OUT_PROMOTE_PROMOTED_AT: '2026-01-01T00:00:00Z',
      DRCTL_OUT_PROMOTE_DELETION_MODE: 'ALL_CONFIGURATIONS',
    });
  });

  it('runs the command once with that environment and records its exit code', async () => {
    const ctx = buildStepContext({ operation: 'failover' });
    const params = exec.params.parse({ run: 'test "$DRCTL_ACTIVE_FILE_SYSTEM_ID" = "$EXPECTED" && echo switched', env: { EXPECTED: EFS_SECONDARY_ID } });
    const outputs = await exec.apply(ctx, params, null, 'run');
    expect(outputs).toMatchObject({ exitCode: 0 });
    expect(ctx.notes.join('\n')).toContain('| switched');
  });

  it('fails the step with the exit code and a resume hint when the command fails', async () => {
    const ctx = buildStepContext();
    const params = exec.params.parse({ run: 'echo nope >&2; exit 7' });
    const err = await exec.apply(ctx, params, null, 'run').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toContain('exited with 7');
    expect((err as StepError).hint).toContain('resume at this step');
    expect(ctx.notes.join('\n')).toContain('| nope');
  });

  it('a command killed by a signal says which signal, not "exited with null"', async () => {
    const ctx = buildStepContext();
    const params = exec.params.parse({ run: 'kill -TERM $$' });
    const err = await exec.apply(ctx, params, null, 'run').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toContain('was killed by SIGTERM');
    expect((err as StepError).message).not.toContain('null');
  });

  it('in a dry run only says what it would run', () => {
    const ctx = buildStepContext({ flags: { dryRun: true } });
    const decision = exec.decide(null, exec.params.parse({ run: './switch-dns.sh' }), ctx);
    expect(decision).toMatchObject({ state: 'apply', reason: 'would run: ./switch-dns.sh', calls: [] });
  });
});
