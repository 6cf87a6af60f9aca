import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { accountRoleMismatch, unknownAccount } from '../../src/runbook/rules/accounts.js';
import { missingReplicationRole, replicationRoleAccount } from '../../src/runbook/rules/efs-replication.js';
import { RULES } from '../../src/runbook/rules/index.js';
import { invalidRegion, unknownRegion } from '../../src/runbook/rules/regions.js';
import { sameSide } from '../../src/runbook/rules/sides.js';
import { duplicateStepId, findCycles, needsCycle, unknownNeeds } from '../../src/runbook/rules/step-graph.js';
import { invalidParams, kindNotApplicable } from '../../src/runbook/rules/step-kinds.js';
import type { RuleContext, RunbookRule } from '../../src/runbook/rules/types.js';
import { runbookSchema, type Runbook } from '../../src/runbook/schema.js';
import { STEP_KINDS } from '../../src/steps/registry.js';
import type { AnyStepKind } from '../../src/steps/types.js';

const ctx: RuleContext = { stepKinds: STEP_KINDS };

/** A valid cross-account EFS runbook; `edit` changes the raw data before it is parsed. */
function runbook(edit: (raw: Record<string, any>) => void = () => {}): Runbook {
  const raw: Record<string, any> = {
    version: 1,
    accounts: {
      prod: { id: '111111111111', region: 'us-east-1' },
      dr: { id: '222222222222', region: 'us-west-2' },
    },
    filesystems: {
      home: {
        type: 'efs',
        primary: { account: 'prod', fileSystemId: 'fs-11111111' },
        secondary: { account: 'dr', fileSystemId: 'fs-22222222' },
        replication: {
          roleArn: 'arn:aws:iam::111111111111:role/efs-replication',
          reverseRoleArn: 'arn:aws:iam::222222222222:role/efs-replication',
        },
      },
    },
  };
  edit(raw);
  return runbookSchema.parse(raw);
}

const exec = (id: string, extra: Record<string, unknown> = {}) => ({ id, uses: 'exec', with: { run: 'true' }, ...extra });

function check(rule: RunbookRule, rb: Runbook, context: RuleContext = ctx) {
  return rule.check(rb, context);
}

describe('the rule list', () => {
  it('names every rule with a kebab-case code and describes it', () => {
    for (const rule of RULES) {
      expect(rule.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });

  it('finds nothing in a valid runbook', () => {
    expect(RULES.flatMap((rule) => rule.check(runbook(), ctx))).toEqual([]);
  });
});

describe('unknown-account', () => {
  it('reports a side naming an undeclared account, at its account field', () => {
    const [f, ...rest] = check(unknownAccount, runbook((r) => (r.filesystems.home.secondary.account = 'drr')));
    expect(rest).toEqual([]);
    expect(f?.path).toEqual(['filesystems', 'home', 'secondary', 'account']);
    expect(f?.message).toContain("account 'drr'");
    expect(f?.hint).toContain("did you mean 'dr'?");
  });
});

describe('role-account-mismatch (accounts)', () => {
  it("reports an account role ARN in another account than the account's id", () => {
    const rb = runbook((r) => (r.accounts.dr.roleArn = 'arn:aws:iam::111111111111:role/drctl'));
    const [f] = check(accountRoleMismatch, rb);
    expect(f?.path).toEqual(['accounts', 'dr', 'roleArn']);
    expect(f?.message).toContain('111111111111');
    expect(f?.message).toContain('222222222222');
  });

  it('accepts a role in the same account', () => {
    expect(check(accountRoleMismatch, runbook((r) => (r.accounts.dr.roleArn = 'arn:aws:iam::222222222222:role/drctl')))).toEqual([]);
  });
});

describe('invalid-region and unknown-region', () => {
  it('rejects a malformed side region, suggesting the region meant', () => {
    const [f] = check(invalidRegion, runbook((r) => (r.filesystems.home.secondary.region = 'us_west_2')));
    expect(f?.path).toEqual(['filesystems', 'home', 'secondary', 'region']);
    expect(f?.hint).toContain("did you mean 'us-west-2'?");
  });

  it('warns about a well-formed region drctl does not know, in accounts and sides', () => {
    const rb = runbook((r) => {
      r.accounts.prod.region = 'us-east-7';
      r.filesystems.home.secondary.region = 'eu-north-9';
    });
    expect(unknownRegion.severity).toBe('warning');
    expect(check(unknownRegion, rb).map((f) => f.path.join('.'))).toEqual(['accounts.prod.region', 'filesystems.home.secondary.region']);
    expect(check(invalidRegion, rb)).toEqual([]);
  });
});

describe('same-side', () => {
  it('accepts the same account in two regions, and two accounts in one region', () => {
    const crossRegion = runbook((r) => {
      r.filesystems.home.secondary.account = 'prod';
      r.filesystems.home.secondary.region = 'us-west-2';
    });
    expect(check(sameSide, crossRegion)).toEqual([]);
    expect(check(sameSide, runbook((r) => (r.accounts.dr.region = 'us-east-1')))).toEqual([]);
  });

  it('reports two sides in the same account id and region, even under two account names', () => {
    const [f] = check(sameSide, runbook((r) => (r.accounts.dr = { id: '111111111111', region: 'us-east-1' })));
    expect(f?.path).toEqual(['filesystems', 'home', 'secondary', 'account']);
    expect(f?.message).toContain('account 111111111111, region us-east-1');
  });

  it('reports the same file system id on both sides, even across regions', () => {
    const [f] = check(sameSide, runbook((r) => (r.filesystems.home.secondary.fileSystemId = 'fs-11111111')));
    expect(f?.path).toEqual(['filesystems', 'home', 'secondary', 'fileSystemId']);
    expect(f?.message).toContain('fs-11111111');
  });
});

describe('missing-replication-role', () => {
  it('requires both roles when the sides are in different accounts, in one finding', () => {
    const findings = check(missingReplicationRole, runbook((r) => delete r.filesystems.home.replication));
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('replication.roleArn and replication.reverseRoleArn are not set');
    expect(findings[0]?.hint).toContain('arn:aws:iam::111111111111:role/');
    expect(findings[0]?.hint).toContain('arn:aws:iam::222222222222:role/');
  });

  it('requires the reverse role alone when only it is missing', () => {
    const [f] = check(missingReplicationRole, runbook((r) => delete r.filesystems.home.replication.reverseRoleArn));
    expect(f?.path).toEqual(['filesystems', 'home', 'replication', 'reverseRoleArn']);
  });

  it('needs no role within one account', () => {
    const rb = runbook((r) => {
      r.accounts.dr.id = '111111111111';
      delete r.filesystems.home.replication;
    });
    expect(check(missingReplicationRole, rb)).toEqual([]);
  });
});

describe('role-account-mismatch (EFS replication roles)', () => {
  it('wants roleArn in the primary account and reverseRoleArn in the secondary account', () => {
    const rb = runbook((r) => {
      r.filesystems.home.replication.roleArn = 'arn:aws:iam::222222222222:role/x';
      r.filesystems.home.replication.reverseRoleArn = 'arn:aws:iam::111111111111:role/x';
    });
    expect(check(replicationRoleAccount, rb).map((f) => f.path.at(-1))).toEqual(['roleArn', 'reverseRoleArn']);
  });
});

describe('duplicate-step-id', () => {
  it('reports the second step with a taken id, per procedure', () => {
    const rb = runbook((r) => {
      r.filesystems.home.failover = [exec('a'), exec('b'), exec('a')];
      r.filesystems.home.failback = { preserve: [exec('a')], discard: [exec('a')] };
    });
    const findings = check(duplicateStepId, rb);
    expect(findings.map((f) => f.path.join('.'))).toEqual(['filesystems.home.failover.2.id']);
    expect(findings[0]?.message).toContain('steps 1 and 3');
  });
});

describe('unknown-needs', () => {
  it('reports a needs entry naming no step of the procedure, suggesting the one meant', () => {
    const rb = runbook((r) => (r.filesystems.home.failover = [exec('prepare'), exec('go', { needs: ['prepre'] })]));
    const [f] = check(unknownNeeds, rb);
    expect(f?.path).toEqual(['filesystems', 'home', 'failover', 1, 'needs', 0]);
    expect(f?.hint).toContain("did you mean 'prepare'?");
  });
});

describe('needs-cycle', () => {
  it('reports a cycle through needs as a path of step ids, at the needs that closes it', () => {
    const rb = runbook((r) => (r.filesystems.home.failover = [exec('a', { needs: ['c'] }), exec('b', { needs: ['a'] }), exec('c', { needs: ['b'] })]));
    const findings = check(needsCycle, rb);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('a → c → b → a');
    expect(findings[0]?.path).toEqual(['filesystems', 'home', 'failover', 0, 'needs']);
  });

  it('counts the implicit wait for the previous step', () => {
    // b waits for c explicitly; c, without needs, waits for b above it.
    const rb = runbook((r) => (r.filesystems.home.failover = [exec('a'), exec('b', { needs: ['c'] }), exec('c')]));
    expect(check(needsCycle, rb)[0]?.message).toContain('b → c → b');
  });

  it('reports a step that needs itself', () => {
    const [f] = check(needsCycle, runbook((r) => (r.filesystems.home.failover = [exec('a', { needs: ['a'] })])));
    expect(f?.hint).toContain("'a' needs itself");
  });

  it('accepts parallel branches that join', () => {
    const rb = runbook((r) => (r.filesystems.home.failover = [exec('a'), exec('b', { needs: [] }), exec('c', { needs: ['a', 'b'] })]));
    expect(check(needsCycle, rb)).toEqual([]);
  });

  it('finds each distinct cycle once', () => {
    expect(findCycles([[1], [0], [3], [2], []])).toEqual([[0, 1], [2, 3]]);
    expect(findCycles([[], [0], [1]])).toEqual([]);
  });
});

describe('kind-not-applicable', () => {
  const s3Only: AnyStepKind = { ...STEP_KINDS[0]!, kind: 's3.only', appliesTo: ['s3'], params: z.object({}) };

  it('reports a step whose kind does not apply to the resource type', () => {
    const rb = runbook((r) => (r.filesystems.home.failover = [exec('a')]));
    const steps = (rb.filesystems.home as { failover: Array<{ uses: string }> }).failover;
    steps[0]!.uses = 's3.only';
    const [f] = check(kindNotApplicable, rb, { stepKinds: [...STEP_KINDS, s3Only] });
    expect(f?.path).toEqual(['filesystems', 'home', 'failover', 0, 'uses']);
    expect(f?.message).toContain('home is efs');
    expect(f?.hint).toContain('exec');
    expect(f?.hint).not.toContain('s3.only');
  });

  it("accepts kinds that apply to 'any' resource", () => {
    expect(check(kindNotApplicable, runbook((r) => (r.filesystems.home.failover = [exec('a')])))).toEqual([]);
  });
});

describe('invalid-params', () => {
  it('reports a step that omits `with` although its kind requires parameters', () => {
    const rb = runbook((r) => (r.filesystems.home.failover = [{ id: 'ok', uses: 'approval' }]));
    const [f] = check(invalidParams, rb);
    expect(f?.path).toEqual(['filesystems', 'home', 'failover', 0, 'uses']);
    expect(f?.message).toContain("'message' is required");
  });
});
