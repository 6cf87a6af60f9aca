/**
 * EFS cross-account replication needs a role in each direction (aws-reference.md §1.8): `roleArn` in the
 * primary account (primary → secondary) and `reverseRoleArn` in the secondary account (failback).
 */
import type { EfsResource } from '../resources/efs.js';
import type { Runbook } from '../schema.js';
import type { RunbookRule, RuleFinding } from './types.js';
import { resources, roleAccountId } from './walk.js';

interface EfsPair {
  name: string;
  resource: EfsResource;
  primaryAccountId: string;
  secondaryAccountId: string;
}

/** EFS resources whose both accounts are declared (unknown accounts are another rule's finding). */
function efsPairs(runbook: Runbook): EfsPair[] {
  return resources(runbook).flatMap(([name, resource]) => {
    if (resource.type !== 'efs') return [];
    const primary = Object.hasOwn(runbook.accounts, resource.primary.account) ? runbook.accounts[resource.primary.account] : undefined;
    const secondary = Object.hasOwn(runbook.accounts, resource.secondary.account) ? runbook.accounts[resource.secondary.account] : undefined;
    if (!primary || !secondary) return [];
    return [{ name, resource, primaryAccountId: primary.id, secondaryAccountId: secondary.id }];
  });
}

const ROLES = [
  { field: 'roleArn', side: 'primary', direction: 'primary → secondary' },
  { field: 'reverseRoleArn', side: 'secondary', direction: 'secondary → primary, for failback' },
] as const;

export const missingReplicationRole: RunbookRule = {
  code: 'missing-replication-role',
  description:
    'An EFS resource whose sides are in different accounts declares `replication.roleArn` and `replication.reverseRoleArn`.',
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const pair of efsPairs(runbook)) {
      if (pair.primaryAccountId === pair.secondaryAccountId) continue;
      const missing = ROLES.filter((role) => !pair.resource.replication[role.field]);
      const [first] = missing;
      if (!first) continue;
      const fields = missing.map((role) => `replication.${role.field}`).join(' and ');
      const needs = missing.map((role) => {
        const accountId = role.side === 'primary' ? pair.primaryAccountId : pair.secondaryAccountId;
        return `${role.field}: arn:aws:iam::${accountId}:role/<name> (${role.direction})`;
      });
      findings.push({
        path: ['filesystems', pair.name, 'replication', first.field],
        at: 'owner',
        message: `${pair.name}: the sides are in different accounts (${pair.primaryAccountId} and ${pair.secondaryAccountId}) but ${fields} ${missing.length > 1 ? 'are' : 'is'} not set`,
        hint:
          `Cross-account EFS replication uses a role in the source account that elasticfilesystem.amazonaws.com may assume; ` +
          `add under replication: ${needs.join('; ')}.`,
      });
    }
    return findings;
  },
};

export const replicationRoleAccount: RunbookRule = {
  code: 'role-account-mismatch',
  description:
    "An EFS `replication.roleArn` is a role in the primary account and `replication.reverseRoleArn` one in the secondary account.",
  check(runbook) {
    const findings: RuleFinding[] = [];
    for (const pair of efsPairs(runbook)) {
      for (const role of ROLES) {
        const arn = pair.resource.replication[role.field];
        const expected = role.side === 'primary' ? pair.primaryAccountId : pair.secondaryAccountId;
        const actual = arn ? roleAccountId(arn) : undefined;
        if (!arn || actual === undefined || actual === expected) continue;
        findings.push({
          path: ['filesystems', pair.name, 'replication', role.field],
          message: `${pair.name}: replication.${role.field} ${arn} is a role in account ${actual}, but EFS uses it in the ${role.side} account ${expected} (replication ${role.direction})`,
          hint: `EFS uses this role in the ${role.side} (source) account: use arn:aws:iam::${expected}:role/<name>.`,
        });
      }
    }
    return findings;
  },
};
