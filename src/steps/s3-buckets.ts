/**
 * Read-only S3 observations shared by the s3.* and fsx.* steps: where a bucket really is, its versioning state,
 * and its replication configuration. Errors that mean "absent" become values; everything else propagates
 * (the AWS layer has already named the account, region and request id).
 */
import type { ReplicationConfiguration } from '@aws-sdk/client-s3';
import type { StepContext } from './types.js';
import type { BucketRef } from './s3-common.js';
import { awsErrorName, bucketTarget, httpStatusOf, isAwsError, where } from './s3-common.js';

export type BucketLocation =
  | { state: 'ok' }
  | { state: 'missing' }
  /** `region` is unknown when S3 only answered with a redirect. */
  | { state: 'elsewhere'; region?: string };

/** GetBucketLocation's LocationConstraint → region ('' and null are us-east-1, 'EU' is eu-west-1). */
export function regionFromLocationConstraint(constraint: string | null | undefined): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

// One lookup per bucket and step attempt: waits re-observe often, bucket regions do not move.
const locationCache = new WeakMap<object, Map<string, BucketLocation>>();

/** Compares the bucket's real region with the declared one (GetBucketLocation, in the declared region). */
export async function readBucketLocation(ctx: StepContext, ref: BucketRef): Promise<BucketLocation> {
  let cache = locationCache.get(ctx);
  if (!cache) {
    cache = new Map();
    locationCache.set(ctx, cache);
  }
  const cached = cache.get(ref.bucket);
  if (cached) return cached;
  let location: BucketLocation;
  try {
    const out = await ctx.aws.call(bucketTarget(ref), 's3', 'GetBucketLocation', { Bucket: ref.bucket, ExpectedBucketOwner: ref.accountId });
    const region = regionFromLocationConstraint(out.LocationConstraint);
    location = region === ref.region ? { state: 'ok' } : { state: 'elsewhere', region };
  } catch (err) {
    if (isAwsError(err, 'NoSuchBucket', 'NotFound')) location = { state: 'missing' };
    else if (isAwsError(err, 'PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException') || httpStatusOf(err) === 301) {
      location = { state: 'elsewhere' };
    } else throw err;
  }
  cache.set(ref.bucket, location);
  return location;
}

/** A blocked reason for a bucket that is missing or in another region, or undefined when it is where declared. */
export function bucketLocationProblem(ref: BucketRef, location: BucketLocation): { reason: string; hint: string } | undefined {
  if (location.state === 'ok') return undefined;
  if (location.state === 'missing') {
    return {
      reason: `bucket ${ref.bucket} does not exist in account ${where(ref)} (GetBucketLocation: NoSuchBucket)`,
      hint: `Check the bucket name and account of the ${ref.side} side in the runbook, or create the bucket.`,
    };
  }
  const seen = location.region ? `is in ${location.region}` : 'is not in that region (S3 answered with a redirect)';
  return {
    reason: `bucket ${ref.bucket} ${seen}, but the runbook declares it in ${ref.region} (account ${ref.account} ${ref.accountId})`,
    hint: location.region
      ? `Set the region of the ${ref.side} bucket to ${location.region} in the runbook (or use the bucket that is in ${ref.region}).`
      : `Find the bucket's region (aws s3api get-bucket-location --bucket ${ref.bucket}) and declare it in the runbook.`,
  };
}

export type VersioningState = 'Enabled' | 'Suspended' | 'Never';

export async function readVersioning(ctx: StepContext, ref: BucketRef): Promise<VersioningState> {
  const out = await ctx.aws.call(bucketTarget(ref), 's3', 'GetBucketVersioning', { Bucket: ref.bucket, ExpectedBucketOwner: ref.accountId });
  if (out.Status === 'Enabled') return 'Enabled';
  if (out.Status === 'Suspended') return 'Suspended';
  return 'Never';
}

/** The bucket's replication configuration, or undefined when it has none. */
export async function readReplication(ctx: StepContext, ref: BucketRef): Promise<ReplicationConfiguration | undefined> {
  try {
    const out = await ctx.aws.call(bucketTarget(ref), 's3', 'GetBucketReplication', { Bucket: ref.bucket, ExpectedBucketOwner: ref.accountId });
    return out.ReplicationConfiguration;
  } catch (err) {
    if (isAwsError(err, 'ReplicationConfigurationNotFoundError')) return undefined;
    throw err;
  }
}

/** Errors S3 gives while a fresh versioning or bucket change propagates; worth another try a bit later. */
export function isPropagationError(err: unknown): boolean {
  const name = awsErrorName(err);
  if (name === 'NoSuchBucket') return true;
  return name === 'InvalidRequest' && /versioning/i.test(err instanceof Error ? err.message : '');
}
