/**
 * approval: a gate a person must pass (confirm a destructive action, or confirm writers are stopped).
 * On a TTY it asks; otherwise it needs --yes or --approve <step id>. The approver and time are step outputs,
 * so reports can show who approved what and when (and failback can wait for replication past that instant).
 */
import { z } from 'zod';
import { DeclinedError } from '../errors.js';
import type { StepKind } from './types.js';

const params = z
  .object({
    message: z.string().min(1).describe('The question shown to the operator.'),
    destructive: z.boolean().default(false).describe('Shown in red; counted as a destructive confirmation in reports.'),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Observed {
  approved: boolean;
}

export const approval: StepKind<Params, Observed> = {
  kind: 'approval',
  summary: 'Waits for an operator to approve (TTY prompt, --yes, or --approve STEP_ID).',
  appliesTo: ['any'],
  params,
  describe: (p) => `ask: ${p.message}`,
  calls: () => [],
  sides: () => [],
  async observe() {
    return { approved: false };
  },
  decide(obs, p) {
    return obs.approved
      ? { state: 'done', reason: 'approved' }
      : { state: 'apply', phase: 'ask', reason: p.message, calls: [] };
  },
  async apply(ctx, p) {
    const preApproved = ctx.flags.approve.includes(ctx.stepId) || ctx.flags.approve.includes(ctx.stepKey);
    const via = preApproved ? '--approve' : ctx.flags.yes ? '--yes' : ctx.prompter.interactive ? 'prompt' : undefined;
    ctx.events.emit({ type: 'approval.requested', key: ctx.stepKey, question: p.message });
    if (via === undefined) {
      ctx.events.emit({ type: 'approval.declined', key: ctx.stepKey, by: ctx.prompter.user, reason: 'non-interactive' });
      throw new DeclinedError(`${ctx.stepKey} needs an approval and this run is not interactive: ${p.message}`, {
        hint: `Re-run with --yes to approve every gate, or --approve ${ctx.stepId} to approve this one.`,
      });
    }
    if (via === 'prompt' && !(await ctx.prompter.confirm(p.message))) {
      ctx.events.emit({ type: 'approval.declined', key: ctx.stepKey, by: ctx.prompter.user, reason: 'declined at prompt' });
      throw new DeclinedError(`${ctx.stepKey} was declined; nothing after it ran.`, {
        hint: 'Re-run the same command when ready: the run resumes at this step.',
      });
    }
    const approvedAt = new Date(ctx.clock.now()).toISOString();
    ctx.events.emit({ type: 'approval.granted', key: ctx.stepKey, by: ctx.prompter.user, via });
    return { approvedAt, approvedBy: ctx.prompter.user, approvedVia: via };
  },
};
