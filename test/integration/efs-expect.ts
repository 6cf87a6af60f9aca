/**
 * What the EFS integration tests share: the example runbook's file systems, a readable form of each mutating
 * request, and the steady state drctl must leave behind (primary → secondary replicating, primary writable).
 */
import { DescribeFileSystemsCommand, DescribeReplicationConfigurationsCommand, EFSClient } from '@aws-sdk/client-efs';
import { expect } from 'vitest';
import { resolveTarget } from '../../src/engine/plan.js';
import type { Side } from '../../src/runbook/schema.js';
import { readEfsFile, writeEfsFile } from '../../src/sandbox/services/efs/files.js';
import { efsLinks, efsState } from '../../src/sandbox/services/efs/model.js';
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

export interface EfsSideView {
  fileSystemId: string;
  lifeCycleState: string;
  protection: string;
  replications: Array<{ sourceId: string; destinationId: string; status: string; lastReplicatedAt?: number }>;
}

function sideOf(h: SandboxRun, resourceName: string, side: Side) {
  const resource = h.runbook.filesystems[resourceName];
  if (!resource || resource.type !== 'efs') throw new Error(`${h.runbookFile} has no EFS resource ${resourceName}`);
  return { ...resolveTarget(h.runbook, resource, side), fileSystemId: resource[side].fileSystemId };
}

/**
 * One side of an EFS resource as its own region reports it, read with the SDK outside the request log. It goes
 * through the sandbox, so faults apply: clear them first, or use efsRecords while a region is down.
 */
export async function readEfsSide(h: SandboxRun, resourceName: string, side: Side): Promise<EfsSideView> {
  const { accountId, region, fileSystemId } = sideOf(h, resourceName, side);
  const client = new EFSClient(h.readerConfig(accountId, region));
  try {
    const fs = (await client.send(new DescribeFileSystemsCommand({ FileSystemId: fileSystemId }))).FileSystems?.[0];
    const replications = await client
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }))
      .then((out) => out.Replications ?? [])
      .catch((err: unknown) => {
        if ((err as Error).name === 'ReplicationNotFound') return [];
        throw err;
      });
    return {
      fileSystemId,
      lifeCycleState: fs?.LifeCycleState ?? 'missing',
      protection: fs?.FileSystemProtection?.ReplicationOverwriteProtection ?? 'unknown',
      replications: replications.flatMap((config) =>
        (config.Destinations ?? []).map((d) => ({
          sourceId: config.SourceFileSystemId ?? '',
          destinationId: d.FileSystemId ?? '',
          status: d.Status ?? 'UNKNOWN',
          ...(d.LastReplicatedTimestamp ? { lastReplicatedAt: d.LastReplicatedTimestamp.getTime() } : {}),
        })),
      ),
    };
  } finally {
    client.destroy();
  }
}

/** The replication records one side's region holds, read from the world itself (works while that region is down). */
export function efsRecords(h: SandboxRun, resourceName: string, side: Side): Array<{ sourceId: string; destinationId: string; status: string }> {
  const { accountId, region } = sideOf(h, resourceName, side);
  const links = efsLinks(h.world);
  return Object.values(efsState(h.world, accountId, region).replications).flatMap((record) => {
    const link = links[record.linkId];
    return link ? [{ sourceId: link.source.fileSystemId, destinationId: link.destination.fileSystemId, status: record.status }] : [];
  });
}

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
    const view = await readEfsSide(h, RESOURCE, side);
    return {
      ...view,
      replications: view.replications.map(({ lastReplicatedAt, ...rest }) => ({ ...rest, synced: lastReplicatedAt !== undefined })),
    };
  };
  return { primary: await strip('primary'), secondary: await strip('secondary') };
}

/** The normal state: primary → secondary ENABLED and synced, primary writable (ENABLED), secondary a replica. */
export async function expectProtected(h: SandboxRun): Promise<void> {
  const primary = await readEfsSide(h, RESOURCE, 'primary');
  const secondary = await readEfsSide(h, RESOURCE, 'secondary');
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
  const secondary = await readEfsSide(h, RESOURCE, 'secondary');
  expect(secondary.protection).toBe('ENABLED');
  expect(secondary.replications).toEqual([]);
}

export function writeFile(h: SandboxRun, side: typeof PRIMARY | typeof SECONDARY, path: string, content: string): void {
  writeEfsFile(h.world, side, path, content);
}

export function readFile(h: SandboxRun, side: typeof PRIMARY | typeof SECONDARY, path: string): string | undefined {
  return readEfsFile(h.world, side, path)?.content;
}
