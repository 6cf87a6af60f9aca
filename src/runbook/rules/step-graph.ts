/**
 * Step list rules: ids unique within a procedure, `needs` naming steps that exist, and no cycles.
 * A step without `needs` waits for the previous step in the list, so those implicit edges count for cycles.
 */
import { didYouMean, quoteList } from '../suggest.js';
import type { RunbookRule, RuleFinding } from './types.js';
import { procedures, type ProcedureRef } from './walk.js';

function where(proc: ProcedureRef): string {
  return `${proc.resourceName} ${proc.label}`;
}

export const duplicateStepId: RunbookRule = {
  code: 'duplicate-step-id',
  description: 'Step ids are unique within a procedure (resume, --approve and outputs refer to steps by id).',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const proc of procedures(runbook)) {
      const firstIndex = new Map<string, number>();
      proc.steps.forEach((step, index) => {
        const first = firstIndex.get(step.id);
        if (first === undefined) {
          firstIndex.set(step.id, index);
          return;
        }
        findings.push({
          path: [...proc.path, index, 'id'],
          message: `step id '${step.id}' appears twice in ${where(proc)} (steps ${first + 1} and ${index + 1})`,
          hint: `Rename one of them, e.g. '${step.id}-${index + 1}'; ids identify steps in checkpoints, --approve and outputs.`,
        });
      });
    }
    return findings;
  },
};

export const unknownNeeds: RunbookRule = {
  code: 'unknown-needs',
  description: 'Every id in a step\'s `needs` is the id of another step in the same procedure.',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const proc of procedures(runbook)) {
      const ids = proc.steps.map((s) => s.id);
      proc.steps.forEach((step, index) => {
        (step.needs ?? []).forEach((target, needIndex) => {
          if (ids.includes(target)) return;
          findings.push({
            path: [...proc.path, index, 'needs', needIndex],
            message: `step '${step.id}' in ${where(proc)} needs '${target}', which is not a step of this procedure`,
            hint: `${didYouMean(target, ids)}Steps here: ${ids.join(', ')}.`,
          });
        });
      });
    }
    return findings;
  },
};

/** Indices each step waits for: its declared `needs`, or the previous step when `needs` is omitted. */
function dependencies(proc: ProcedureRef): number[][] {
  const indexOf = new Map<string, number>();
  proc.steps.forEach((s, i) => {
    if (!indexOf.has(s.id)) indexOf.set(s.id, i);
  });
  return proc.steps.map((step, i) => {
    if (step.needs === undefined) return i > 0 ? [i - 1] : [];
    return step.needs.flatMap((id) => {
      const target = indexOf.get(id);
      return target === undefined ? [] : [target];
    });
  });
}

/** Each distinct cycle once, as step indices in "waits for" order, starting at its lowest index. */
export function findCycles(deps: number[][]): number[][] {
  const state = deps.map(() => 'new' as 'new' | 'open' | 'closed');
  const stack: number[] = [];
  const seen = new Set<string>();
  const cycles: number[][] = [];
  const visit = (node: number): void => {
    state[node] = 'open';
    stack.push(node);
    for (const next of deps[node] ?? []) {
      if (state[next] === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf(Math.min(...cycle));
        const normalised = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = normalised.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(normalised);
        }
      } else if (state[next] === 'new') {
        visit(next);
      }
    }
    stack.pop();
    state[node] = 'closed';
  };
  deps.forEach((_, node) => {
    if (state[node] === 'new') visit(node);
  });
  return cycles;
}

export const needsCycle: RunbookRule = {
  code: 'needs-cycle',
  description:
    'Steps do not wait for each other in a cycle (through `needs`, or the implicit wait for the previous step); the cycle is reported as a path.',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const proc of procedures(runbook)) {
      for (const cycle of findCycles(dependencies(proc))) {
        const ids = cycle.map((i) => proc.steps[i]?.id ?? String(i));
        // Point at a step whose declared needs closes the loop: that is the line to edit.
        const culprit = cycle.find((i) => proc.steps[i]?.needs !== undefined) ?? cycle[0] ?? 0;
        const hasNeeds = proc.steps[culprit]?.needs !== undefined;
        findings.push({
          path: hasNeeds ? [...proc.path, culprit, 'needs'] : [...proc.path, culprit],
          message: `steps of ${where(proc)} wait for each other in a cycle: ${[...ids, ids[0]].join(' → ')} (→ reads "waits for")`,
          hint:
            ids.length === 1
              ? `Step '${ids[0]}' needs itself: remove '${ids[0]}' from its needs.`
              : `Remove one of these waits; a step without needs waits for the step above it. Steps involved: ${quoteList(ids)}.`,
        });
      }
    }
    return findings;
  },
};
