/**
 * What the EFS integration tests share: the example runbook's file systems, a readable form of each mutating
 * request, and the steady state drctl must leave behind (primary → secondary replicating, primary writable).
 */
import { expect } from 'vitest';
import { readEfsFile, writeEfsFile } from '../../src/sandbox/services/efs/files.js';
import type { RecordedRequest, SandboxRun } from '../helpers/sandbox-run.js';

export const RESOURCE = 'efs-prod';
/** runbooks/efs-prod.yaml: prod account in us-east-1, DR account in us-west-2. */
export const PRIMARY = { accountId: '111111111111', region: 'us-east-1', fileSystemId: 'fs-0123456789abcdef0' } as const;
export const SECONDARY = { accountId: '222222222222', region: 'us-west-2', fileSystemId: 'fs-0fedcba9876543210' } as const;

export const FAILOVER_STEPS = ['preflight', 'confirm', 'promote'] as const;
export const FAILBACK_PRESERVE_STEPS = ['preflight', 'remove-orphan', 'replicate-back', 'quiesce', 'wait-in-sync', 'promote-original', 'reprotect'] as const;

/** The mutations of one failover (the DR side deletes the replication on both sides). */
export const FAILOVER_MUTATIONS = [`DeleteReplicationConfiguration ${SECONDARY.accountId}/${SECONDARY.region} ${PRIMARY.fileSystemId} ALL_CONFIGURATIONS`];

/** The mutations of one preserving failback, in order. */
export const FAILBACK_PRESERVE_MUTATIONS = [
  `UpdateFileSystemProtection ${PRIMARY.accountId}/${PRIMARY.region} ${PRIMARY.fileSystemId} DISABLED`,
  `CreateReplicationConfiguration ${SECONDARY.accountId}/${SECONDARY.region} ${SECONDARY.fileSystemId} → ${PRIMARY.fileSystemId}`,
  `DeleteReplicationConfiguration ${PRIMARY.accountId}/${PRIMARY.region} ${SECONDARY.fileSystemId} ALL_CONFIGURATIONS`,
  `UpdateFileSystemProtection ${SECONDARY.accountId}/${SECONDARY.region} ${SECONDARY.fileSystemId} DISABLED`,
  `CreateReplicationConfiguration ${PRIMARY.accountId}/${PRIMARY.region} ${PRIMARY.fileSystemId} → ${SECONDARY.fileSystemId}`,
];

/** `DeleteReplicationConfiguration 222222222222/us-west-2 fs-0123… ALL_CONFIGURATIONS`: what an EFS mutation did. */
export function describeEfsMutation(r: RecordedRequest): string {
  const fileSystemId = /\/file-systems\/([^/]+)/.exec(r.path)?.[1] ?? '?';
  const where = `${r.accountId ?? '?'}/${r.region ?? '?'}`;
  const body = r.body ? (JSON.parse(r.body) as { ReplicationOverwriteProtection?: string; Destinations?: Array<{ FileSystemId?: string }> }) : {};
  switch (r.operation) {
    case 'DeleteReplicationConfiguration':
      return `${r.operation} ${where} ${fileSystemId} ${r.query['deletionMode']?.[0] ?? '(default mode)'}`;
    case 'UpdateFileSystemProtection':
      return `${r.operation} ${where} ${fileSystemId} ${body.ReplicationOverwriteProtection ?? '?'}`;
    case 'CreateReplicationConfiguration': {
      const destination = body.Destinations?.[0]?.FileSystemId ?? '(new file system)';
      return `${r.operation} ${where} ${fileSystemId} → ${destination.replace(/^.*:file-system\//, '')}`;
    }
    default:
      return `${r.service ?? '?'} ${r.operation ?? '?'} ${where} ${r.method} ${r.path}`;
  }
}

export function mutationsOf(h: SandboxRun, since = 0): string[] {
  return h.mutatingRequests(since).map(describeEfsMutation);
}

/** Both sides as their regions report them, without timestamps: equal for any two runs that ended the same way. */
export async function settledState(h: SandboxRun): Promise<unknown> {
  const strip = async (side: 'primary' | 'secondary') => {
    const view = await h.efsSide(RESOURCE, side);
    return {
      ...view,
      replications: view.replications.map(({ lastReplicatedAt, ...rest }) => ({ ...rest, synced: lastReplicatedAt !== undefined })),
    };
  };
  return { primary: await strip('primary'), secondary: await strip('secondary') };
}

/** The normal state: primary → secondary ENABLED and synced, primary writable (ENABLED), secondary a replica. */
export async function expectProtected(h: SandboxRun): Promise<void> {
  const primary = await h.efsSide(RESOURCE, 'primary');
  const secondary = await h.efsSide(RESOURCE, 'secondary');
  expect(primary.protection).toBe('ENABLED');
  expect(secondary.protection).toBe('REPLICATING');
  for (const view of [primary, secondary]) {
    expect(view.lifeCycleState).toBe('available');
    expect(view.replications).toEqual([
      { sourceId: PRIMARY.fileSystemId, destinationId: SECONDARY.fileSystemId, status: 'ENABLED', lastReplicatedAt: expect.any(Number) },
    ]);
  }
}

/** The failed-over state: the DR copy writable and in no replication. */
export async function expectFailedOver(h: SandboxRun): Promise<void> {
  const secondary = await h.efsSide(RESOURCE, 'secondary');
  expect(secondary.protection).toBe('ENABLED');
  expect(secondary.replications).toEqual([]);
}

export function writeFile(h: SandboxRun, side: typeof PRIMARY | typeof SECONDARY, path: string, content: string): void {
  writeEfsFile(h.world, side, path, content);
}

export function readFile(h: SandboxRun, side: typeof PRIMARY | typeof SECONDARY, path: string): string | undefined {
  return readEfsFile(h.world, side, path)?.content;
}
