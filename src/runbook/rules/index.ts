/**
 * Every semantic rule, in reporting order. Adding rules: write them in a file of this folder (see types.ts)
 * and add one line below. Rules run only on runbooks that passed the schema, so they can trust the types.
 */
import { accountRoleMismatch, unknownAccount } from './accounts.js';
import { missingReplicationRole, replicationRoleAccount } from './efs-replication.js';
import { invalidRegion, unknownRegion } from './regions.js';
import { sameSide } from './sides.js';
import { duplicateStepId, needsCycle, unknownNeeds } from './step-graph.js';
import { invalidParams, kindNotApplicable } from './step-kinds.js';
import type { RunbookRule } from './types.js';
import { fsxAssociationPairs, fsxAutoImportRegion, fsxOverlappingPaths, fsxTooManyAssociations } from './fsx-associations.js';
import { fsxCreateParameters, fsxSideFileSystem } from './fsx-filesystems.js';
import { batchWithoutRule, missingReverseRole, replicationNeedsVersioning, replicationRoleAccounts, ruleIdClash, twoWayReplicaModifications } from './s3-replication.js';

export type { RuleContext, RuleFinding, RunbookRule } from './types.js';

export const RULES: RunbookRule[] = [
  // accounts and sides
  unknownAccount,
  accountRoleMismatch,
  invalidRegion,
  unknownRegion,
  sameSide,
  // efs
  missingReplicationRole,
  replicationRoleAccount,
  // procedures
  duplicateStepId,
  unknownNeeds,
  needsCycle,
  kindNotApplicable,
  invalidParams,
  // fsx-lustre and s3 rules: one line each below
  fsxSideFileSystem, fsxCreateParameters, fsxTooManyAssociations, fsxOverlappingPaths, fsxAutoImportRegion, fsxAssociationPairs,
  twoWayReplicaModifications, missingReverseRole, replicationRoleAccounts, ruleIdClash, replicationNeedsVersioning, batchWithoutRule,
];
