import { describe, expect, it } from 'vitest';
import { approval } from '../../src/steps/approval.js';
import { DeclinedError } from '../../src/errors.js';
import { ScriptedPrompter, buildStepContext } from '../helpers/step-context.js';

const params = approval.params.parse({ message: 'Promote the DR copy?', destructive: true });

describe('approval', () => {
  it('asks on a terminal and records who approved, when and how', async () => {
    const prompter = new ScriptedPrompter([true], true);
    const ctx = buildStepContext({ prompter, flags: { yes: false } });
    const outputs = await approval.apply(ctx, params, { approved: false }, 'ask');
    expect(prompter.asked).toEqual(['Promote the DR copy?']);
    expect(outputs).toMatchObject({ approvedBy: prompter.user, approvedVia: 'prompt', approvedAt: new Date(ctx.clock.now()).toISOString() });
    expect(ctx.events.list.map((e) => e.type)).toEqual(['approval.requested', 'approval.granted']);
  });

  it('a "no" at the prompt declines (exit 5) and says that re-running resumes here', async () => {
    const ctx = buildStepContext({ prompter: new ScriptedPrompter([false], true), flags: { yes: false } });
    const err = await approval.apply(ctx, params, { approved: false }, 'ask').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeclinedError);
    expect((err as DeclinedError).exitCode).toBe(5);
    expect((err as DeclinedError).hint).toContain('resumes at this step');
  });

  it('--yes and --approve <step> approve without asking', async () => {
    const prompter = new ScriptedPrompter([]);
    const viaYes = await approval.apply(buildStepContext({ prompter, flags: { yes: true } }), params, { approved: false }, 'ask');
    expect(viaYes).toMatchObject({ approvedVia: '--yes' });
    const viaApprove = await approval.apply(buildStepContext({ prompter, stepId: "confirm", flags: { yes: false, approve: ["confirm"] } }), params, { approved: false }, 'ask');
    expect(viaApprove).toMatchObject({ approvedVia: '--approve' });
    expect(prompter.asked).toEqual([]);
  });
});
