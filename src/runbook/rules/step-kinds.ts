/** Step kind rules: the kind applies to the resource type, and its parameters are complete. */
import type { RunbookRule, RuleFinding } from './types.js';
import { procedures } from './walk.js';

export const kindNotApplicable: RunbookRule = {
  code: 'kind-not-applicable',
  description: "A step's kind applies to the type of the resource whose procedure it is in (e.g. no efs.* step on an s3 resource).",
  check(runbook, ctx) {
    const findings: RuleFinding[] = [];
    for (const proc of procedures(runbook)) {
      proc.steps.forEach((step, index) => {
        const kind = ctx.stepKinds.find((k) => k.kind === step.uses);
        if (!kind || kind.appliesTo.includes('any') || kind.appliesTo.includes(proc.resource.type)) return;
        const fitting = ctx.stepKinds
          .filter((k) => k.appliesTo.includes(proc.resource.type) || k.appliesTo.includes('any'))
          .map((k) => k.kind);
        findings.push({
          path: [...proc.path, index, 'uses'],
          message: `step '${step.id}' of ${proc.resourceName} ${proc.label} uses ${step.uses}, which works on ${kind.appliesTo.join(', ')} resources, but ${proc.resourceName} is ${proc.resource.type}`,
          hint: `Step kinds for ${proc.resource.type} resources: ${fitting.join(', ')}.`,
        });
      });
    }
    return findings;
  },
};

/**
 * The schema checks `with` when it is written; a step that omits `with` still needs the kind's required
 * parameters (approval needs a message), which only the kind's own schema can tell.
 */
export const invalidParams: RunbookRule = {
  code: 'invalid-params',
  description: "A step's `with` holds the parameters its kind requires (also when `with` is omitted).",
  check(runbook, ctx) {
    const findings: RuleFinding[] = [];
    for (const proc of procedures(runbook)) {
      proc.steps.forEach((step, index) => {
        const kind = ctx.stepKinds.find((k) => k.kind === step.uses);
        if (!kind) return;
        const result = kind.params.safeParse((step as { with?: unknown }).with ?? {});
        if (result.success) return;
        const problems = result.error.issues.map((issue) => {
          const field = issue.path.map(String).join('.');
          if (issue.code === 'invalid_type' && field && issue.message.endsWith('received undefined')) return `'${field}' is required`;
          return field ? `${field}: ${issue.message}` : issue.message;
        });
        findings.push({
          path: [...proc.path, index, (step as { with?: unknown }).with === undefined ? 'uses' : 'with'],
          message: `step '${step.id}' (${step.uses}) of ${proc.resourceName} ${proc.label} has incomplete parameters: ${problems.join('; ')}`,
          hint: `Add the parameters under 'with:' (see \`drctl schema\` or docs/step-kinds.md for ${step.uses}).`,
        });
      });
    }
    return findings;
  },
};
