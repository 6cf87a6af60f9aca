/**
 * Building blocks for the PlannedCall lists and parameter schemas of the s3.* and fsx.* kinds. Pure.
 */
import { z } from 'zod';
import type { Side } from '../runbook/schema.js';
import type { ServiceName } from '../aws/operations.js';
import type { DescribeContext, PlannedCall } from './types.js';
import type { BucketRef, SideTarget } from './s3-common.js';
import { bucketArn, bucketPairs, otherSide, selectPairs } from './s3-common.js';
import type { BucketPair } from './s3-common.js';

export const sideSchema = z.enum(['primary', 'secondary']);

export const pairsSchema = z
  .array(z.string().startsWith('/'))
  .optional()
  .describe('fsx-lustre only: the file system paths (associations) to act on. Default: all of them.')
  .meta({ examples: [['/data']] });

export function planCall(
  service: ServiceName,
  operation: string,
  target: SideTarget,
  params: Record<string, unknown>,
  resources?: string[],
  note?: string,
): PlannedCall {
  const call: PlannedCall = { service, operation, account: target.account, region: target.region, params };
  if (resources) call.resources = resources;
  if (note) call.note = note;
  return call;
}

export function planBucketCall(ref: BucketRef, operation: string, params: Record<string, unknown> = {}, note?: string): PlannedCall {
  const objectLevel = ['HeadObject', 'GetObject', 'PutObject', 'DeleteObject'].includes(operation);
  const resource = objectLevel ? `${bucketArn(ref.bucket)}/${ref.prefix}*` : bucketArn(ref.bucket);
  return planCall('s3', operation, ref, { Bucket: ref.bucket, ...params }, [resource], note);
}

/** The pairs of the step's resource, in describe/calls (no StepContext yet). */
export function describedPairs(ctx: Pick<DescribeContext, 'resource' | 'target'>, only?: string[]): BucketPair[] {
  return selectPairs(bucketPairs(ctx.resource, ctx.target), only);
}

/**
 * Sides a step that works from `from` towards the other side contacts. With --primary-unavailable only the
 * source side is listed (so a step whose source is the primary is skipped by the planner).
 */
export function sidesFrom(from: Side, primaryUnavailable: boolean): Side[] {
  if (primaryUnavailable) return [from];
  return [from, otherSide(from)];
}

/** "primary → secondary" */
export function direction(from: Side): string {
  return `${from} → ${otherSide(from)}`;
}
