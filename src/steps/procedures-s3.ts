/**
 * The standard s3 procedures (aws-reference.md §6.3), used when a runbook does not spell its own out. The switch
 * of applications between buckets is the runbook's own `exec` step (drctl cannot know the command), so a
 * runbook usually spells its procedures out (see runbooks/s3-buckets.yaml) and this is the storage part:
 *
 *  failover:   versioning → replication (primary → secondary) → replicate-back (secondary → primary)
 *              → backfill (Batch Replication of NONE/FAILED objects, when a batch role is declared)
 *              → quiesce → wait-replicated (records the failover point)
 *  failback:   versioning → replicate-back → backfill (objects written on the DR side since the failover)
 *              → quiesce → wait-replicated → replication (restore primary → secondary)
 *              [→ remove-reverse, for one-way resources]
 *  discard:    confirm → versioning → replication [→ remove-reverse]
 *
 * With --primary-unavailable the steps that need the primary are skipped, and wait-replicated reports the
 * recovery point it accepts instead.
 */
import type { S3Resource } from '../runbook/resources/s3.js';
import type { StepSpec } from '../runbook/schema.js';
import { approval } from './approval.js';
import { registerProcedure } from './procedures.js';
import { s3BatchReplicate } from './s3-batch-replicate.js';
import { s3EnsureReplication } from './s3-ensure-replication.js';
import { s3EnsureVersioning } from './s3-ensure-versioning.js';
import { s3RemoveReplication } from './s3-remove-replication.js';
import { s3WaitReplicated } from './s3-wait-replicated.js';
import type { FailbackMode } from './types.js';

function bucketLabel(side: S3Resource['primary']): string {
  return `bucket ${side.bucket} (account ${side.account}${side.region ? `, ${side.region}` : ''})`;
}

const versioning = (): StepSpec => ({ id: 'versioning', uses: s3EnsureVersioning.kind, with: s3EnsureVersioning.params.parse({}) });
const replication = (): StepSpec => ({ id: 'replication', uses: s3EnsureReplication.kind, with: s3EnsureReplication.params.parse({ from: 'primary' }) });
const replicateBack = (): StepSpec => ({ id: 'replicate-back', uses: s3EnsureReplication.kind, with: s3EnsureReplication.params.parse({ from: 'secondary' }) });
const removeReverse = (): StepSpec => ({ id: 'remove-reverse', uses: s3RemoveReplication.kind, with: s3RemoveReplication.params.parse({ from: 'secondary' }) });

export function deriveS3Failover(_resourceName: string, resource: S3Resource): StepSpec[] {
  return [
    versioning(),
    replication(),
    replicateBack(),
    // Objects live replication never copied (written before the rule, or FAILED): the DR bucket needs them now.
    ...(resource.replication.batchRoleArn
      ? [{ id: 'backfill', uses: s3BatchReplicate.kind, with: s3BatchReplicate.params.parse({ from: 'primary', createdAfter: 'none' }) }]
      : []),
    {
      id: 'quiesce',
      uses: approval.kind,
      with: approval.params.parse({
        message: `Stop writers to ${bucketLabel(resource.primary)}, or confirm it is unreachable. drctl then waits until replication has reached ${bucketLabel(resource.secondary)}. Writers stopped?`,
      }),
    },
    { id: 'wait-replicated', uses: s3WaitReplicated.kind, with: s3WaitReplicated.params.parse({ from: 'primary', record: 'failover' }) },
  ];
}

export function deriveS3Failback(resourceName: string, resource: S3Resource, mode: FailbackMode, sameAccount: boolean): StepSpec[] {
  const oneWayCleanup = resource.replication.twoWay ? [] : [removeReverse()];
  if (mode === 'discard') {
    return [
      {
        id: 'confirm',
        uses: approval.kind,
        with: approval.params.parse({
          message: `Fail back ${resourceName} discarding DR changes: objects written to ${bucketLabel(resource.secondary)} that have not reached ${bucketLabel(resource.primary)} are not back-filled or waited for. Continue?`,
          destructive: true,
        }),
      },
      versioning(),
      replication(),
      ...oneWayCleanup,
    ];
  }
  const r = resource.replication;
  const batchRole = r.reverseBatchRoleArn ?? (sameAccount ? r.batchRoleArn : undefined);
  return [
    versioning(),
    replicateBack(),
    ...(batchRole ? [{ id: 'backfill', uses: s3BatchReplicate.kind, with: s3BatchReplicate.params.parse({ from: 'secondary' }) }] : []),
    {
      id: 'quiesce',
      uses: approval.kind,
      with: approval.params.parse({
        message: `Stop writers to ${bucketLabel(resource.secondary)}. drctl then waits until replication has brought their objects to ${bucketLabel(resource.primary)}. Writers stopped?`,
      }),
    },
    { id: 'wait-replicated', uses: s3WaitReplicated.kind, with: s3WaitReplicated.params.parse({ from: 'secondary', record: 'failback' }) },
    replication(),
    ...oneWayCleanup,
  ];
}

registerProcedure('s3', (resourceName, resource, operation, mode) => {
  if (resource.type !== 's3') return [];
  if (operation === 'failover') return deriveS3Failover(resourceName, resource);
  return deriveS3Failback(resourceName, resource, mode, resource.primary.account === resource.secondary.account);
});
