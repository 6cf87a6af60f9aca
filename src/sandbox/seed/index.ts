/**
 * Seeding a world from runbooks: declared accounts (with their roles and external ids) and, for every protected
 * resource, the healthy steady state its runbook expects before a failover. One seeder per resource type; adding
 * a type is one line in SEEDERS. Seeding is idempotent per resource (a seeder skips resources whose AWS objects
 * already exist), so a saved world is never "re-healed" by seeding it again after a failover.
 */
import type { Account, Resource, ResourceType, Runbook } from '../../runbook/schema.js';
import { DEFAULT_BASE_ACCOUNT_ID, type World } from '../world.js';
import { seedEfs } from './efs.js';
import { seedFsxLustre } from './fsx-lustre.js';
import { seedS3 } from './s3.js';

export interface SeedContext {
  runbook: Runbook;
  /** The resource's name under `filesystems`. */
  name: string;
  /** Account id and default region of a runbook account name. */
  account(name: string): { accountId: string; region: string; account: Account };
}

export type ResourceSeeder<R extends Resource = Resource> = (world: World, resource: R, context: SeedContext) => void;

type SeederMap = { [T in ResourceType]?: ResourceSeeder<Extract<Resource, { type: T }>> };

export const SEEDERS: SeederMap = {
  efs: seedEfs,
  'fsx-lustre': seedFsxLustre,
  s3: seedS3,
};

export function seedWorldFromRunbooks(world: World, runbooks: readonly Runbook[]): void {
  for (const runbook of runbooks) seedAccounts(world, runbook);
  chooseBaseAccount(world, runbooks);
  for (const runbook of runbooks) {
    const context = (name: string): SeedContext => ({
      runbook,
      name,
      account: (accountName) => {
        const account = runbook.accounts[accountName];
        if (!account) throw new Error(`runbook ${runbook.name ?? ''} names account '${accountName}' but does not declare it`);
        return { accountId: account.id, region: account.region, account };
      },
    });
    for (const [name, resource] of Object.entries(runbook.filesystems)) {
      const seeder = SEEDERS[resource.type] as ResourceSeeder | undefined;
      seeder?.(world, resource, context(name));
    }
  }
}

function seedAccounts(world: World, runbook: Runbook): void {
  for (const [name, account] of Object.entries(runbook.accounts)) {
    world.addAccount({
      accountId: account.id,
      name,
      roles: account.roleArn ? [{ arn: account.roleArn, ...(account.externalId ? { externalId: account.externalId } : {}) }] : [],
    });
  }
}

/**
 * The base key must *be* the account of any runbook account used without a role (drctl checks GetCallerIdentity
 * against the declared id). Unless a scenario chose it already, take the first such account, else the first one.
 */
function chooseBaseAccount(world: World, runbooks: readonly Runbook[]): void {
  if (world.baseAccountId !== DEFAULT_BASE_ACCOUNT_ID) return;
  const all = runbooks.flatMap((r) => Object.values(r.accounts));
  const chosen = all.find((a) => !a.roleArn) ?? all[0];
  if (chosen) world.setBaseAccount(chosen.id);
}
