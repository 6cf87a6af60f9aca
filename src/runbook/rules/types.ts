/**
 * The contract of a semantic rule: a pure check over a runbook that already passed the schema, returning
 * findings with the path of the offending value (the loader turns paths into line:col).
 */
import type { Finding } from '../diagnostics.js';
import type { Runbook } from '../schema.js';
import type { AnyStepKind } from '../../steps/types.js';

/** A finding of a rule; `code` defaults to the rule's code and `severity` to the rule's severity. */
export type RuleFinding = Omit<Finding, 'code'> & { code?: string };

export interface RuleContext {
  /** The registered step kinds (src/steps/registry.ts); tests pass their own. */
  stepKinds: readonly AnyStepKind[];
}

export interface RunbookRule {
  /** The diagnostic code the rule reports, e.g. `needs-cycle`. */
  code: string;
  /** 'error' unless the rule only warns. */
  severity?: 'error' | 'warning';
  /** One sentence for docs/runbook-format.md: what the rule requires and why. */
  description: string;
  check(runbook: Runbook, ctx: RuleContext): RuleFinding[];
}
