/**
 * Shared by the s3.* and fsx.* step kinds: which bucket pairs a resource replicates, where each bucket lives,
 * which role replicates which direction, and how to read AWS error names. Pure; no AWS calls here.
 *
 * An `s3` resource is one pair (primary bucket ↔ secondary bucket). An `fsx-lustre` resource has one pair per
 * association: the primary's association for a file system path and the secondary's association for the same
 * path (the rules check they exist and share the key prefix, since replication keeps keys).
 */
import type { Target } from '../aws/types.js';
import type { Resource, Side } from '../runbook/schema.js';

export type SideTarget = Target & { region: string; accountId: string };
export type TargetOf = (side: Side) => SideTarget;

export function otherSide(side: Side): Side {
  return side === 'primary' ? 'secondary' : 'primary';
}

/** The AWS error name of an error from the gateway (AwsCallError.awsErrorName) or straight from the SDK. */
export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { awsErrorName?: unknown; Code?: unknown; name?: unknown };
  if (typeof e.awsErrorName === 'string') return e.awsErrorName;
  if (typeof e.Code === 'string') return e.Code;
  return typeof e.name === 'string' ? e.name : undefined;
}

export function isAwsError(err: unknown, ...names: string[]): boolean {
  const name = awsErrorName(err);
  return name !== undefined && names.includes(name);
}

export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { httpStatus?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof e.httpStatus === 'number') return e.httpStatus;
  return typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** "dr (222222222222) us-west-2": how messages name an account and region. */
export function where(t: { account: string; accountId: string; region: string }): string {
  return `${t.account} (${t.accountId}) ${t.region}`;
}

export interface BucketRef {
  side: Side;
  account: string;
  accountId: string;
  region: string;
  bucket: string;
  /** Key prefix of the replicated objects ('' = the whole bucket). */
  prefix: string;
}

export function bucketTarget(ref: BucketRef): SideTarget {
  return { account: ref.account, accountId: ref.accountId, region: ref.region };
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** "s3://bucket/prefix" for messages. */
export function bucketUrl(ref: Pick<BucketRef, 'bucket' | 'prefix'>): string {
  return `s3://${ref.bucket}/${ref.prefix}`;
}

export interface ReplicationSettings {
  roleArn: string;
  reverseRoleArn?: string | undefined;
  batchRoleArn?: string | undefined;
  reverseBatchRoleArn?: string | undefined;
  twoWay: boolean;
  replicaModifications: boolean;
  deleteMarkers: boolean;
  rtc: boolean;
  priority?: number | undefined;
  ownerOverride: boolean;
}

export interface BucketPair {
  /** '' for an s3 resource; the file system path for an fsx-lustre association pair. */
  key: string;
  /** "/data" or the resource name, for messages. */
  label: string;
  /** ID of the replication rule drctl owns for this pair (same ID on both buckets). */
  ruleId: string;
  primary: BucketRef;
  secondary: BucketRef;
  settings: ReplicationSettings;
}

/** Rule ID suffix for a Lustre path: "/" → "root", "/data/raw" → "data-raw". */
export function pathSlug(fileSystemPath: string): string {
  const slug = fileSystemPath.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
  return slug === '' ? 'root' : slug;
}

/** Lustre paths compare without a trailing slash ("/data/" is "/data"). */
export function normalizeFsPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** The bucket pairs a resource replicates (empty for EFS). Throws only for runbooks the rules reject. */
export function bucketPairs(resource: Resource, target: TargetOf): BucketPair[] {
  if (resource.type === 's3') {
    const r = resource.replication;
    const ref = (side: Side): BucketRef => ({ side, ...target(side), bucket: resource[side].bucket, prefix: r.prefix });
    return [
      {
        key: '',
        label: `${resource.primary.bucket} ↔ ${resource.secondary.bucket}`,
        ruleId: r.ruleId,
        primary: ref('primary'),
        secondary: ref('secondary'),
        settings: { ...r },
      },
    ];
  }
  if (resource.type !== 'fsx-lustre') return [];
  const r = resource.replication;
  const settings: ReplicationSettings = { ...r, twoWay: true };
  return resource.primary.associations.flatMap((primaryAssoc) => {
    const path = normalizeFsPath(primaryAssoc.fileSystemPath);
    const secondaryAssoc = resource.secondary.associations.find((a) => normalizeFsPath(a.fileSystemPath) === path);
    if (!secondaryAssoc) return [];
    const ref = (side: Side, assoc: typeof primaryAssoc): BucketRef => {
      const t = target(side);
      return { side, account: t.account, accountId: t.accountId, region: assoc.region ?? t.region, bucket: assoc.bucket, prefix: assoc.prefix };
    };
    return [
      {
        key: path,
        label: path,
        ruleId: `${r.ruleId}-${pathSlug(path)}`,
        primary: ref('primary', primaryAssoc),
        secondary: ref('secondary', secondaryAssoc),
        settings,
      },
    ];
  });
}

/** Replication role for rules on `from`'s bucket (roles live in the source bucket's account). */
export function replicationRoleFor(settings: ReplicationSettings, from: Side): string | undefined {
  return from === 'primary' ? settings.roleArn : settings.reverseRoleArn;
}

/** Batch Operations role for jobs on `from`'s bucket. */
export function batchRoleFor(settings: ReplicationSettings, from: Side, sameAccount: boolean): string | undefined {
  if (from === 'primary') return settings.batchRoleArn;
  return settings.reverseBatchRoleArn ?? (sameAccount ? settings.batchRoleArn : undefined);
}

/** Pairs that a step with an optional `pairs` filter (file system paths) works on. */
export function selectPairs(pairs: BucketPair[], only: string[] | undefined): BucketPair[] {
  if (!only || only.length === 0) return pairs;
  const wanted = new Set(only.map(normalizeFsPath));
  return pairs.filter((p) => wanted.has(p.key));
}

/** Distinct buckets of a side across pairs (an fsx side may link several paths to one bucket). */
export function distinctBuckets(pairs: BucketPair[], side: Side): BucketRef[] {
  const seen = new Map<string, BucketRef>();
  for (const pair of pairs) if (!seen.has(pair[side].bucket)) seen.set(pair[side].bucket, pair[side]);
  return [...seen.values()];
}

/** Count of applied phases whose name starts with `prefix`. */
export function appliedCount(applied: ReadonlyArray<{ phase: string }>, prefix: string): number {
  return applied.filter((a) => a.phase.startsWith(prefix)).length;
}

/** The most recent applied phase starting with `prefix`. */
export function lastApplied(applied: ReadonlyArray<{ phase: string; at: number }>, prefix: string): { phase: string; at: number } | undefined {
  let last: { phase: string; at: number } | undefined;
  for (const a of applied) if (a.phase.startsWith(prefix) && (!last || a.at >= last.at)) last = a;
  return last;
}
