/**
 * The standard EFS procedures (aws-reference.md §1.7, §6.1), used when a runbook does not spell its own out.
 *
 *  failover:            preflight (replicating) → confirm → promote
 *  failback preserve:   preflight (promoted) → remove-orphan → replicate-back (secondary → primary) → quiesce
 *                       → wait-in-sync → promote-original → reprotect (primary → secondary)
 *  failback discard:    preflight (promoted) → remove-orphan → confirm → reprotect (primary → secondary)
 *
 * In discard mode the reprotect step refuses without --force (it overwrites the DR changes): that is the point.
 */
import type { EfsResource } from '../runbook/resources/efs.js';
import type { StepSpec } from '../runbook/schema.js';
import { approval } from './approval.js';
import { efsCheck } from './efs-check.js';
import { efsPromote } from './efs-promote.js';
import { efsRemoveOrphan } from './efs-remove-orphan.js';
import { efsReplicate } from './efs-replicate.js';
import { efsWaitInSync } from './efs-wait-in-sync.js';
import { registerProcedure } from './procedures.js';
import type { FailbackMode } from './types.js';

function where(side: EfsResource['primary']): string {
  return `${side.fileSystemId} (account ${side.account}${side.region ? `, ${side.region}` : ''})`;
}

export function deriveEfsFailover(resourceName: string, resource: EfsResource): StepSpec[] {
  return [
    { id: 'preflight', uses: efsCheck.kind, with: efsCheck.params.parse({ expect: 'replicating' }) },
    {
      id: 'confirm',
      uses: approval.kind,
      with: approval.params.parse({
        message: `Fail over ${resourceName}: delete the replication ${resource.primary.fileSystemId} → ${resource.secondary.fileSystemId} so DR file system ${where(resource.secondary)} becomes writable. Clients must then use the DR side. Continue?`,
        destructive: true,
      }),
    },
    { id: 'promote', uses: efsPromote.kind, with: efsPromote.params.parse({ source: 'primary' }) },
  ];
}

export function deriveEfsFailback(resourceName: string, resource: EfsResource, mode: FailbackMode): StepSpec[] {
  const preflight: StepSpec[] = [
    { id: 'preflight', uses: efsCheck.kind, with: efsCheck.params.parse({ expect: 'promoted' }) },
    { id: 'remove-orphan', uses: efsRemoveOrphan.kind, with: efsRemoveOrphan.params.parse({}) },
  ];
  // Re-protection is complete once the DR copy holds a full sync, which can take a while on big file systems.
  const reprotect: StepSpec = {
    id: 'reprotect',
    uses: efsReplicate.kind,
    timeout: '2h',
    with: efsReplicate.params.parse({ from: 'primary', to: 'secondary', waitForFirstSync: true }),
  };
  if (mode === 'discard') {
    return [
      ...preflight,
      {
        id: 'confirm',
        uses: approval.kind,
        with: approval.params.parse({
          message: `Fail back ${resourceName} discarding DR changes: ${where(resource.secondary)} will be overwritten by replication from ${where(resource.primary)}; every change made on the DR side since the failover is lost. Continue?`,
          destructive: true,
        }),
      },
      reprotect,
    ];
  }
  return [
    ...preflight,
    { id: 'replicate-back', uses: efsReplicate.kind, with: efsReplicate.params.parse({ from: 'secondary', to: 'primary' }) },
    {
      id: 'quiesce',
      uses: approval.kind,
      with: approval.params.parse({
        message: `Stop writers on ${where(resource.secondary)}; drctl then waits until replication to the primary has passed this moment. Writers stopped?`,
      }),
    },
    { id: 'wait-in-sync', uses: efsWaitInSync.kind, with: efsWaitInSync.params.parse({ from: 'secondary', to: 'primary', after: 'quiesce' }) },
    { id: 'promote-original', uses: efsPromote.kind, with: efsPromote.params.parse({ source: 'secondary' }) },
    reprotect,
  ];
}

registerProcedure('efs', (resourceName, resource, operation, mode) => {
  if (resource.type !== 'efs') return [];
  return operation === 'failover' ? deriveEfsFailover(resourceName, resource) : deriveEfsFailback(resourceName, resource, mode);
});
