/**
 * Shared pieces of the EFS step kinds: where each side lives, the reads every kind makes (file system state,
 * replication configurations, mount targets) reduced to small plain views, and how calls are listed for plans.
 * Only type imports from the SDK: the gateway does the calls.
 */
import type { Destination, FileSystemDescription, MountTargetDescription, ReplicationConfigurationDescription } from '@aws-sdk/client-efs';
import { AwsCallError } from '../aws/errors.js';
import { InputError } from '../errors.js';
import type { EfsResource } from '../runbook/resources/efs.js';
import type { Side } from '../runbook/schema.js';
import type { DescribeContext, PlannedCall, StepContext } from './types.js';

/** Everything a step needs to address one side of an EFS resource. */
export interface EfsSide {
  side: Side;
  account: string;
  accountId: string;
  region: string;
  fileSystemId: string;
  arn: string;
}

export interface FileSystemView {
  fileSystemId: string;
  lifeCycleState: string;
  /** ReplicationOverwriteProtection: ENABLED (writable), DISABLED (may become a destination), REPLICATING. */
  protection: string;
  /** Set for One Zone file systems. */
  availabilityZoneName?: string;
}

export interface ReplicationView {
  sourceId: string;
  sourceRegion: string;
  destinationId: string;
  destinationRegion: string;
  status: string;
  statusMessage?: string;
  /** Every change on the source before this instant (epoch ms) is on the destination. */
  lastReplicatedAt?: number;
}

/** Describe errors that mean "there is nothing": terraform treats them the same way (aws-reference.md §1.3). */
const ABSENT = new Set(['ReplicationNotFound', 'FileSystemNotFound']);

export function isAbsentError(err: unknown): boolean {
  return err instanceof AwsCallError && ABSENT.has(err.awsErrorName);
}

export function otherSide(side: Side): Side {
  return side === 'primary' ? 'secondary' : 'primary';
}

export function efsArn(region: string, accountId: string, fileSystemId: string): string {
  return `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${fileSystemId}`;
}

type SideContext = Pick<DescribeContext, 'resource' | 'resourceName' | 'target'>;

export function efsResourceOf(ctx: Pick<DescribeContext, 'resource' | 'resourceName'>): EfsResource {
  if (ctx.resource.type !== 'efs') {
    throw new InputError('wrong-resource-type', `${ctx.resourceName} is a ${ctx.resource.type} resource; EFS steps only apply to type: efs`);
  }
  return ctx.resource;
}

export function efsSide(ctx: SideContext, side: Side): EfsSide {
  const resource = efsResourceOf(ctx);
  const target = ctx.target(side);
  const fileSystemId = resource[side].fileSystemId;
  return { side, account: target.account, accountId: target.accountId, region: target.region, fileSystemId, arn: efsArn(target.region, target.accountId, fileSystemId) };
}

/** `fs-0123 (account dr 222222222222, us-west-2)`: how messages name a file system. */
export function nameOf(side: EfsSide): string {
  return `${side.fileSystemId} (${side.side}: account ${side.account} ${side.accountId}, ${side.region})`;
}

/** Describe output may name a file system by id or ARN; compare ids. */
export function fileSystemIdOf(idOrArn: string | undefined): string {
  if (!idOrArn) return '';
  const at = idOrArn.indexOf(':file-system/');
  return at >= 0 ? idOrArn.slice(at + ':file-system/'.length) : idOrArn;
}

function toMs(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export async function describeFileSystem(ctx: StepContext, side: EfsSide): Promise<FileSystemView | undefined> {
  try {
    const out = await ctx.aws.call(side, 'efs', 'DescribeFileSystems', { FileSystemId: side.fileSystemId });
    const fs: FileSystemDescription | undefined = out.FileSystems?.find((f) => f.FileSystemId === side.fileSystemId) ?? out.FileSystems?.[0];
    if (!fs) return undefined;
    const view: FileSystemView = {
      fileSystemId: side.fileSystemId,
      lifeCycleState: fs.LifeCycleState ?? 'unknown',
      protection: fs.FileSystemProtection?.ReplicationOverwriteProtection ?? 'ENABLED',
    };
    if (fs.AvailabilityZoneName) view.availabilityZoneName = fs.AvailabilityZoneName;
    return view;
  } catch (err) {
    if (isAbsentError(err)) return undefined;
    throw err;
  }
}

function toView(config: ReplicationConfigurationDescription, destination: Destination): ReplicationView {
  const view: ReplicationView = {
    sourceId: fileSystemIdOf(config.SourceFileSystemId ?? config.SourceFileSystemArn),
    sourceRegion: config.SourceFileSystemRegion ?? '',
    destinationId: fileSystemIdOf(destination.FileSystemId),
    destinationRegion: destination.Region ?? '',
    status: destination.Status ?? 'UNKNOWN',
  };
  if (destination.StatusMessage) view.statusMessage = destination.StatusMessage;
  const last = toMs(destination.LastReplicatedTimestamp);
  if (last !== undefined) view.lastReplicatedAt = last;
  return view;
}

/** The replication configurations the side's region reports for its file system (empty when none). */
export async function describeReplications(ctx: StepContext, side: EfsSide): Promise<ReplicationView[]> {
  try {
    const out = await ctx.aws.call(side, 'efs', 'DescribeReplicationConfigurations', { FileSystemId: side.fileSystemId });
    return (out.Replications ?? []).flatMap((config) => (config.Destinations ?? []).map((d) => toView(config, d)));
  } catch (err) {
    if (isAbsentError(err)) return [];
    throw err;
  }
}

export async function describeMountTargets(ctx: StepContext, side: EfsSide): Promise<Array<{ availabilityZoneName: string; lifeCycleState: string }>> {
  const targets: MountTargetDescription[] = [];
  let marker: string | undefined;
  do {
    const out = await ctx.aws.call(side, 'efs', 'DescribeMountTargets', { FileSystemId: side.fileSystemId, ...(marker ? { Marker: marker } : {}) });
    targets.push(...(out.MountTargets ?? []));
    marker = out.NextMarker;
  } while (marker);
  return targets.map((t) => ({ availabilityZoneName: t.AvailabilityZoneName ?? t.AvailabilityZoneId ?? '?', lifeCycleState: t.LifeCycleState ?? 'unknown' }));
}

export function findReplication(list: ReplicationView[], sourceId: string, destinationId: string): ReplicationView | undefined {
  return list.find((r) => r.sourceId === sourceId && r.destinationId === destinationId);
}

export function renderReplication(r: ReplicationView): string {
  return `${r.sourceId} (${r.sourceRegion}) → ${r.destinationId} (${r.destinationRegion}) ${r.status}${r.statusMessage ? ` (${r.statusMessage})` : ''}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A call for plans and IAM policies, addressed to a side. */
export function callOn(side: EfsSide, operation: string, params: Record<string, unknown>, options: { resources?: string[]; note?: string } = {}): PlannedCall {
  const call: PlannedCall = {
    service: 'efs',
    operation,
    account: side.account,
    region: side.region,
    params,
    resources: options.resources ?? [side.arn],
  };
  if (options.note) call.note = options.note;
  return call;
}

/** The role EFS uses to replicate from a side: the runbook's replication role for that direction, or an override. */
export function replicationRoleFor(resource: EfsResource, from: Side, override?: string): string | undefined {
  return override ?? (from === 'primary' ? resource.replication.roleArn : resource.replication.reverseRoleArn);
}
