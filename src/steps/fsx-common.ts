/**
 * Shared by the fsx.* step kinds: the side's declared file system and associations, the file system id at run
 * time (declared, or the pilot-light one drctl created and remembered), and read-only FSx lookups. FSx
 * lifecycle values are UPPERCASE (EFS uses lowercase; the two never share enums).
 */
import type { DataRepositoryAssociation, FileSystem, Tag } from '@aws-sdk/client-fsx';
import { InputError } from '../errors.js';
import type { LustreAssociation, LustreSide } from '../runbook/resources/fsx-lustre.js';
import type { Resource, Side } from '../runbook/schema.js';
import type { DescribeContext, StepContext } from './types.js';
import type { SideTarget } from './s3-common.js';
import { isAwsError, normalizeFsPath, where } from './s3-common.js';
import { currentMemory, rememberFact } from './s3-memory.js';

export function lustreSide(resource: Resource, side: Side): LustreSide {
  if (resource.type !== 'fsx-lustre') {
    throw new InputError('kind-not-applicable', `fsx.* steps act on fsx-lustre resources, not ${resource.type}`);
  }
  return resource[side];
}

export function isPilotLight(spec: LustreSide): boolean {
  return spec.fileSystemId === undefined && spec.create !== undefined;
}

export function fileSystemArn(t: SideTarget, id: string | undefined): string {
  return `arn:aws:fsx:${t.region}:${t.accountId}:file-system/${id ?? '*'}`;
}

export function associationArn(t: SideTarget, fsId: string | undefined): string {
  return `arn:aws:fsx:${t.region}:${t.accountId}:association/${fsId ?? '*'}/*`;
}

export function taskArn(t: SideTarget): string {
  return `arn:aws:fsx:${t.region}:${t.accountId}:task/*`;
}

/** "s3://bucket/prefix/" as FSx stores a DataRepositoryPath (it appends the trailing slash). */
export function dataRepositoryPath(assoc: Pick<LustreAssociation, 'bucket' | 'prefix'>): string {
  const path = `s3://${assoc.bucket}/${assoc.prefix}`;
  return path.endsWith('/') ? path : `${path}/`;
}

export function sameDataRepositoryPath(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const norm = (s: string) => (s.endsWith('/') ? s : `${s}/`);
  return norm(a) === norm(b);
}

/** Two Lustre paths overlap when one contains the other ('/' contains everything). */
export function fsPathsOverlap(a: string, b: string): boolean {
  const x = normalizeFsPath(a);
  const y = normalizeFsPath(b);
  if (x === '/' || y === '/') return true;
  return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

/** Two repository paths overlap when one is a prefix of the other (s3://b/p/ contains s3://b/p/sub/). */
export function repositoryPathsOverlap(a: string, b: string): boolean {
  const norm = (s: string) => (s.endsWith('/') ? s : `${s}/`);
  return norm(a).startsWith(norm(b)) || norm(b).startsWith(norm(a));
}

/** DRAs need Lustre 2.12 or 2.15 and any deployment type but SCRATCH_1 (aws-reference.md §2.1). */
export function draSupportProblem(fs: FileSystem): string | undefined {
  const type = fs.LustreConfiguration?.DeploymentType;
  const version = fs.FileSystemTypeVersion;
  if (type === 'SCRATCH_1') return 'its deployment type is SCRATCH_1, which has no data repository associations';
  if (version === '2.10') return 'it runs Lustre 2.10; data repository associations need 2.12 or 2.15';
  return undefined;
}

/** "fs-… in dr (222222222222) us-west-2" */
export function fsLabel(id: string | undefined, t: SideTarget): string {
  return `${id ?? 'the pilot-light file system'} in ${where(t)}`;
}

export function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Tags drctl puts on what it creates, to find it again (and to know it may delete it). */
export function drctlTags(ctx: Pick<StepContext, 'runbook' | 'resourceName' | 'runId'>, side: Side): Tag[] {
  return [
    { Key: 'drctl:runbook', Value: ctx.runbook.name ?? '' },
    { Key: 'drctl:resource', Value: ctx.resourceName },
    { Key: 'drctl:side', Value: side },
    { Key: 'drctl:created-by-run', Value: ctx.runId },
  ];
}

interface PilotLightRecord {
  fileSystemId: string;
  createdAt: string;
  runId: string;
}

const pilotKey = (side: Side) => `fsxPilotLight:${side}`;

export function readPilotLight(ctx: Pick<StepContext, 'memory'>, side: Side): PilotLightRecord | undefined {
  const value = currentMemory(ctx)[pilotKey(side)];
  return typeof value === 'object' && value !== null ? (value as PilotLightRecord) : undefined;
}

export function rememberPilotLight(ctx: StepContext, side: Side, record: PilotLightRecord | null): void {
  rememberFact(ctx, { [pilotKey(side)]: record });
}

/** The file system id to act on: the declared one, else the pilot light drctl created (undefined before). */
export function fileSystemIdOf(ctx: Pick<StepContext, 'resource' | 'memory'>, side: Side): string | undefined {
  return lustreSide(ctx.resource, side).fileSystemId ?? readPilotLight(ctx, side)?.fileSystemId;
}

/** The id shown in plans before run time. */
export function plannedFileSystemId(ctx: Pick<DescribeContext, 'resource'>, side: Side): string {
  return lustreSide(ctx.resource, side).fileSystemId ?? `(pilot light, created by fsx.ensure-filesystem)`;
}

export async function describeFileSystem(ctx: StepContext, t: SideTarget, id: string): Promise<FileSystem | undefined> {
  try {
    const out = await ctx.aws.call(t, 'fsx', 'DescribeFileSystems', { FileSystemIds: [id] });
    return out.FileSystems?.[0];
  } catch (err) {
    if (isAwsError(err, 'FileSystemNotFound')) return undefined;
    throw err;
  }
}

/** A Lustre file system drctl created for this resource and side, found by its tags (after a lost memory). */
export async function findTaggedFileSystem(ctx: StepContext, t: SideTarget, side: Side): Promise<FileSystem | undefined> {
  let token: string | undefined;
  do {
    const out = await ctx.aws.call(t, 'fsx', 'DescribeFileSystems', { NextToken: token });
    const found = (out.FileSystems ?? []).find(
      (fs) =>
        fs.FileSystemType === 'LUSTRE' &&
        tagValue(fs.Tags, 'drctl:resource') === ctx.resourceName &&
        tagValue(fs.Tags, 'drctl:side') === side &&
        tagValue(fs.Tags, 'drctl:runbook') === (ctx.runbook.name ?? '') &&
        fs.Lifecycle !== 'DELETING' &&
        fs.Lifecycle !== 'FAILED',
    );
    if (found) return found;
    token = out.NextToken;
  } while (token);
  return undefined;
}

/** Every DRA of a file system. */
export async function describeAssociations(ctx: StepContext, t: SideTarget, fileSystemId: string): Promise<DataRepositoryAssociation[]> {
  const all: DataRepositoryAssociation[] = [];
  let token: string | undefined;
  do {
    const out = await ctx.aws.call(t, 'fsx', 'DescribeDataRepositoryAssociations', {
      Filters: [{ Name: 'file-system-id', Values: [fileSystemId] }],
      MaxResults: 25,
      NextToken: token,
    });
    all.push(...(out.Associations ?? []));
    token = out.NextToken;
  } while (token);
  return all;
}

/** The side's declared associations, optionally only those for some file system paths. */
export function declaredAssociations(spec: LustreSide, paths: string[] | undefined): LustreAssociation[] {
  if (!paths || paths.length === 0) return spec.associations;
  const wanted = new Set(paths.map(normalizeFsPath));
  return spec.associations.filter((a) => wanted.has(normalizeFsPath(a.fileSystemPath)));
}

/** The existing DRA for a declared association (same file system path). */
export function matchingAssociation(existing: DataRepositoryAssociation[], assoc: LustreAssociation): DataRepositoryAssociation | undefined {
  const path = normalizeFsPath(assoc.fileSystemPath);
  return existing.find((d) => d.FileSystemPath !== undefined && normalizeFsPath(d.FileSystemPath) === path);
}
