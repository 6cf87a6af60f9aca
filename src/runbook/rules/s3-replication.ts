/**
 * Rules for the bucket replication of s3 and fsx-lustre resources (aws-reference.md §3, §4): two-way replication
 * syncs replica modifications; each role lives in the account that uses it; a reverse role exists for
 * failback; two resources never claim the same rule on one bucket; and in declared procedures, replication is
 * ensured only after versioning on both buckets, and Batch Replication only where a rule exists.
 */
import type { Resource, Runbook, Side, StepSpec } from '../schema.js';
import { bucketPairs } from '../../steps/s3-common.js';
import type { RunbookRule, RuleFinding } from './types.js';
import { procedures, resources, roleAccountId } from './walk.js';
import type { Path } from './walk.js';

type ReplicatedResource = Extract<Resource, { type: 's3' | 'fsx-lustre' }>;

function replicated(runbook: Runbook): Array<[string, ReplicatedResource]> {
  return resources(runbook).filter((entry): entry is [string, ReplicatedResource] => entry[1].type === 's3' || entry[1].type === 'fsx-lustre');
}

function accountIdOf(runbook: Runbook, resource: Resource, side: Side): string | undefined {
  const name = resource[side].account;
  return Object.hasOwn(runbook.accounts, name) ? runbook.accounts[name]?.id : undefined;
}

/** Target resolver for bucketPairs: only names, ids and regions matter to the rules. */
function targetOf(runbook: Runbook, resource: Resource) {
  return (side: Side) => {
    const spec = resource[side];
    const account = Object.hasOwn(runbook.accounts, spec.account) ? runbook.accounts[spec.account] : undefined;
    return { account: spec.account, accountId: account?.id ?? '', region: spec.region ?? account?.region ?? '' };
  };
}

export const twoWayReplicaModifications: RunbookRule = {
  code: 'replication-two-way-needs-replica-modifications',
  description: 'Two-way replication (every fsx-lustre resource, s3 resources with twoWay) enables replica modification sync.',
  check(runbook) {
    return replicated(runbook)
      .filter(([, r]) => (r.type === 'fsx-lustre' || r.replication.twoWay) && !r.replication.replicaModifications)
      .map(([name, r]) => ({
        path: ['filesystems', name, 'replication', 'replicaModifications'],
        message: `${name} replicates both ways but replication.replicaModifications is false: metadata changes made to replicas (tags, ACLs, retention) would not flow back`,
        hint: r.type === 's3' ? 'Set replicaModifications: true, or twoWay: false for one-way replication.' : 'Set replicaModifications: true (fsx-lustre buckets always replicate both ways).',
      }));
  },
};

export const missingReverseRole: RunbookRule = {
  code: 'replication-missing-reverse-role',
  description: 'An s3 resource declares `replication.reverseRoleArn`: failback (and two-way replication) replicates secondary → primary.',
  check(runbook) {
    return replicated(runbook).flatMap(([name, r]) => {
      if (r.type !== 's3' || r.replication.reverseRoleArn) return [];
      return [
        {
          path: ['filesystems', name, 'replication'],
          at: 'key' as const,
          message: `${name} has no replication.reverseRoleArn, so failback cannot replicate ${r.secondary.bucket} → ${r.primary.bucket}`,
          hint: `Add reverseRoleArn: arn:aws:iam::${accountIdOf(runbook, r, 'secondary') ?? '<secondary account>'}:role/<name> (a role S3 can assume, in the secondary account).`,
        },
      ];
    });
  },
};

const ROLE_FIELDS = [
  { field: 'roleArn', side: 'primary', use: 'S3 replicates primary → secondary with it' },
  { field: 'reverseRoleArn', side: 'secondary', use: 'S3 replicates secondary → primary with it' },
  { field: 'batchRoleArn', side: 'primary', use: 'Batch Replication jobs on the primary bucket run with it' },
  { field: 'reverseBatchRoleArn', side: 'secondary', use: 'Batch Replication jobs on the secondary bucket run with it' },
] as const;

export const replicationRoleAccounts: RunbookRule = {
  code: 'replication-role-account-mismatch',
  description: 'Bucket replication and Batch Operations roles live in the account of the bucket they act from (roleArn, batchRoleArn: primary; reverse*: secondary).',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const [name, r] of replicated(runbook)) {
      for (const role of ROLE_FIELDS) {
        const arn = (r.replication as Record<string, unknown>)[role.field];
        const expected = accountIdOf(runbook, r, role.side);
        const actual = typeof arn === 'string' ? roleAccountId(arn) : undefined;
        if (typeof arn !== 'string' || !expected || actual === undefined || actual === expected) continue;
        findings.push({
          path: ['filesystems', name, 'replication', role.field],
          message: `${name}: replication.${role.field} is a role in account ${actual}, but ${role.use} from the ${role.side} account ${expected}`,
          hint: `Use arn:aws:iam::${expected}:role/<name>.`,
        });
      }
    }
    return findings;
  },
};

export const ruleIdClash: RunbookRule = {
  code: 'replication-rule-id-clash',
  description: 'No two resources (or Lustre paths) claim the replication rule with the same ID on the same bucket.',
  check(runbook) {
    const owners = new Map<string, string>();
    const findings: RuleFinding[] = [];
    for (const [name, r] of replicated(runbook)) {
      for (const pair of bucketPairs(r, targetOf(runbook, r))) {
        for (const side of ['primary', 'secondary'] as const) {
          const key = `${pair[side].bucket}/${pair.ruleId}`;
          const owner = `${name}${pair.key ? ` ${pair.key}` : ''}`;
          const previous = owners.get(key);
          if (previous !== undefined && previous !== owner) {
            findings.push({
              path: ['filesystems', name, 'replication', 'ruleId'],
              message: `${owner} and ${previous} both own replication rule '${pair.ruleId}' on bucket ${pair[side].bucket}; each would overwrite the other's rule`,
              hint: 'Give one of them another replication.ruleId.',
            });
          }
          owners.set(key, owner);
        }
      }
    }
    return findings;
  },
};

/** Each step's `needs` with the default (the previous step) applied. */
function needsOf(steps: StepSpec[]): Map<string, string[]> {
  return new Map(steps.map((step, i) => [step.id, step.needs ?? (i > 0 && steps[i - 1] ? [steps[i - 1]!.id] : [])]));
}

function ancestors(steps: StepSpec[], id: string): StepSpec[] {
  const needs = needsOf(steps);
  const seen = new Set<string>();
  const stack = [...(needs.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(needs.get(next) ?? []));
  }
  return steps.filter((s) => seen.has(s.id));
}

const withOf = (step: StepSpec): Record<string, unknown> => ((step as { with?: Record<string, unknown> }).with ?? {});

function coversBothSides(step: StepSpec): boolean {
  const sides = withOf(step).sides;
  return !Array.isArray(sides) || (sides.includes('primary') && sides.includes('secondary'));
}

function procedureFindings(runbook: Runbook, check: (steps: StepSpec[], step: StepSpec, index: number, path: Path, label: string) => RuleFinding | undefined): RuleFinding[] {
  return procedures(runbook).flatMap((proc) =>
    proc.resource.type === 'efs' ? [] : proc.steps.flatMap((step, index) => check(proc.steps, step, index, proc.path, `${proc.resourceName} ${proc.label}`) ?? []),
  );
}

export const replicationNeedsVersioning: RunbookRule = {
  code: 'replication-without-versioning',
  description: 'In a declared procedure, an s3.ensure-replication step runs after an s3.ensure-versioning step covering both buckets (replication needs versioning on both sides).',
  check(runbook) {
    return procedureFindings(runbook, (steps, step, index, path, label) => {
      if (step.uses !== 's3.ensure-replication') return undefined;
      if (ancestors(steps, step.id).some((s) => s.uses === 's3.ensure-versioning' && coversBothSides(s))) return undefined;
      return {
        path: [...path, index, 'uses'],
        message: `step '${step.id}' of ${label} ensures replication, but no earlier step ensures versioning on both buckets; S3 refuses replication without it`,
        hint: "Add a step before it: `- id: versioning` with `uses: s3.ensure-versioning` (it only changes a bucket that is not versioned).",
      };
    });
  },
};

export const batchWithoutRule: RunbookRule = {
  code: 'batch-replication-without-rule',
  severity: 'warning',
  description: 'In a declared procedure, s3.batch-replicate from a side comes after an s3.ensure-replication step from that side (Batch Replication uses the bucket\'s rules).',
  check(runbook) {
    return procedureFindings(runbook, (steps, step, index, path, label) => {
      if (step.uses !== 's3.batch-replicate') return undefined;
      const from = withOf(step).from ?? 'secondary';
      const ensured = ancestors(steps, step.id).some((s) => s.uses === 's3.ensure-replication' && (withOf(s).from ?? 'primary') === from);
      if (ensured) return undefined;
      return {
        path: [...path, index, 'uses'],
        message: `step '${step.id}' of ${label} runs Batch Replication from the ${String(from)} side without an earlier s3.ensure-replication from it; the job fails if that bucket has no replication rule`,
        hint: `Add an s3.ensure-replication step with from: ${String(from)} before it, unless the rule is managed elsewhere.`,
      };
    });
  },
};
