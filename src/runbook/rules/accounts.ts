/** Account rules: sides name declared accounts; an account's role lives in that account. */
import { didYouMean } from '../suggest.js';
import type { RunbookRule } from './types.js';
import { roleAccountId, sides } from './walk.js';

export const unknownAccount: RunbookRule = {
  code: 'unknown-account',
  description: 'Every `account:` of a primary or secondary side names an entry under `accounts`.',
  check(runbook) {
    const declared = Object.keys(runbook.accounts);
    return sides(runbook)
      .filter((side) => !Object.hasOwn(runbook.accounts, side.spec.account))
      .map((side) => ({
        path: [...side.path, 'account'],
        message: `${side.resourceName}.${side.side} uses account '${side.spec.account}', which is not declared under accounts`,
        hint:
          declared.length === 0
            ? `Declare it: accounts: { ${side.spec.account}: { id: '123456789012', region: us-east-1 } }.`
            : `${didYouMean(side.spec.account, declared)}Declared accounts: ${declared.join(', ')}. Fix the name or add the account under accounts.`,
      }));
  },
};

export const accountRoleMismatch: RunbookRule = {
  code: 'role-account-mismatch',
  description: "An account's `roleArn` is a role in that same account (its ARN carries the account's `id`).",
  check(runbook) {
    return Object.entries(runbook.accounts).flatMap(([name, account]) => {
      const roleAccount = account.roleArn ? roleAccountId(account.roleArn) : undefined;
      if (!account.roleArn || roleAccount === undefined || roleAccount === account.id) return [];
      return [
        {
          path: ['accounts', name, 'roleArn'],
          message: `accounts.${name}.roleArn ${account.roleArn} is a role in account ${roleAccount}, but account '${name}' has id ${account.id}`,
          hint: `drctl assumes this role to act in account ${account.id}: use a role ARN of the form arn:aws:iam::${account.id}:role/<name>, or correct accounts.${name}.id.`,
        },
      ];
    });
  },
};
