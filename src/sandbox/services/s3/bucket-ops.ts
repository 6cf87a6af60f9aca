/**
 * Bucket-level S3 operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
 * Put/GetBucketVersioning and Put/Get/DeleteBucketReplication.
 *
 * A bucket answers only in its own region (like S3: another regional endpoint gets 301 PermanentRedirect with
 * `x-amz-bucket-region`), except GetBucketLocation, which any region answers. The sandbox does not evaluate
 * bucket policies: any sandbox account may use any bucket (documented in docs/sandbox.md).
 */
import { AwsError } from '../../protocol/errors.js';
import { el, optionalEl } from '../../protocol/xml.js';
import type { CallContext, SandboxRequest, SandboxResponse } from '../../types.js';
import type { World } from '../../world.js';
import { allBuckets, createBucketRecord, findBucket, removeBucketRecord, type BucketRecord } from './model.js';
import {
  destinationBucketName,
  readReplicationConfiguration,
  replicationConfigurationXml,
  validateReplicationConfiguration,
} from './replication-config.js';
import { emptyResponse, isoDate, s3Root, xmlResponse } from './responses.js';
import type { S3Route } from './request.js';
import { childText, parseXml, XmlSyntaxError, type XmlNode } from './xml-read.js';

export interface S3Call {
  world: World;
  call: CallContext;
  request: SandboxRequest;
  route: S3Route;
}

export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function noSuchBucket(name: string): AwsError {
  return new AwsError('NoSuchBucket', 404, `The specified bucket does not exist: ${name}.`, { fields: { BucketName: name } });
}

/**
 * The addressed bucket, checked for existence, region and `x-amz-expected-bucket-owner`. `anyRegion` is for the
 * few operations S3 answers from every regional endpoint.
 */
export function requireBucket(ctx: S3Call, options: { anyRegion?: boolean } = {}): BucketRecord {
  const name = ctx.route.bucket ?? '';
  const bucket = findBucket(ctx.world, name);
  if (!bucket) throw noSuchBucket(name);
  if (!options.anyRegion && bucket.region !== ctx.call.region) {
    throw new AwsError(
      'PermanentRedirect',
      301,
      `The bucket ${name} is in region ${bucket.region}, but the request was signed for ${ctx.call.region}. Send requests for this bucket to ${bucket.region}.`,
      { fields: { BucketName: name, Endpoint: `s3.${bucket.region}.amazonaws.com` }, headers: { 'x-amz-bucket-region': bucket.region } },
    );
  }
  const expectedOwner = ctx.request.headers['x-amz-expected-bucket-owner'];
  if (expectedOwner !== undefined && expectedOwner !== bucket.accountId) {
    throw new AwsError('AccessDenied', 403, `Access Denied: bucket ${name} is not owned by the expected account ${expectedOwner}.`);
  }
  return bucket;
}

/** Parses an XML request body; syntax problems become MalformedXML like S3 answers them. */
export function readXmlBody(request: SandboxRequest): XmlNode {
  try {
    return parseXml(request.body.toString('utf8'));
  } catch (error) {
    const detail = error instanceof XmlSyntaxError ? error.message : String(error);
    throw new AwsError('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema: ${detail}`);
  }
}

/** Wraps reads of a parsed body so value errors (a bad integer, a bad boolean) are MalformedXML too. */
export function readingXml<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new AwsError('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema: ${error.message}`);
    }
    throw error;
  }
}

export function listBuckets(ctx: S3Call): SandboxResponse {
  const owned = allBuckets(ctx.world)
    .filter((b) => b.accountId === ctx.call.accountId)
    .sort((a, b) => a.name.localeCompare(b.name));
  return xmlResponse(
    ctx.call.requestId,
    s3Root(
      'ListAllMyBucketsResult',
      el('Owner', el('ID', ctx.call.accountId), el('DisplayName', ctx.call.accountId)),
      el('Buckets', owned.map((b) => el('Bucket', el('Name', b.name), el('CreationDate', isoDate(b.createdAt)), el('BucketRegion', b.region)))),
    ),
  );
}

export function createBucket(ctx: S3Call): SandboxResponse {
  const name = ctx.route.bucket ?? '';
  if (!BUCKET_NAME.test(name)) throw new AwsError('InvalidBucketName', 400, `The specified bucket is not valid: '${name}'.`, { fields: { BucketName: name } });
  const body = ctx.request.body.length ? readXmlBody(ctx.request) : undefined;
  const constraint = body ? childText(body, 'LocationConstraint') : undefined;
  const region = constraint || 'us-east-1';
  if (region !== ctx.call.region) {
    throw new AwsError(
      'IllegalLocationConstraintException',
      400,
      constraint
        ? `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to (${ctx.call.region}).`
        : `The unspecified location constraint is incompatible for the region specific endpoint this request was sent to (${ctx.call.region}); pass CreateBucketConfiguration.LocationConstraint=${ctx.call.region}.`,
    );
  }
  const existing = findBucket(ctx.world, name);
  if (existing) {
    if (existing.accountId === ctx.call.accountId) {
      throw new AwsError('BucketAlreadyOwnedByYou', 409, `Your previous request to create the named bucket succeeded and you already own it: ${name}.`, { fields: { BucketName: name } });
    }
    throw new AwsError('BucketAlreadyExists', 409, `The requested bucket name is not available: ${name} belongs to another account.`, { fields: { BucketName: name } });
  }
  createBucketRecord(ctx.world, ctx.call.accountId, region, name, ctx.call.now);
  return emptyResponse(ctx.call.requestId, 200, { location: `/${name}` });
}

export function deleteBucket(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  if (bucket.accountId !== ctx.call.accountId) throw new AwsError('AccessDenied', 403, `Access Denied: only the owner may delete bucket ${bucket.name}.`);
  if (Object.keys(bucket.objects).length > 0) {
    throw new AwsError('BucketNotEmpty', 409, `The bucket you tried to delete is not empty: ${bucket.name} still holds object versions or delete markers.`, { fields: { BucketName: bucket.name } });
  }
  removeBucketRecord(ctx.world, bucket.name);
  return emptyResponse(ctx.call.requestId, 204);
}

export function headBucket(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  return emptyResponse(ctx.call.requestId, 200, { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' });
}

export function getBucketLocation(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx, { anyRegion: true });
  // us-east-1 is the empty location constraint, for historical reasons.
  const location = bucket.region === 'us-east-1' ? undefined : bucket.region;
  return xmlResponse(ctx.call.requestId, s3Root('LocationConstraint', location));
}

export function getBucketVersioning(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  return xmlResponse(ctx.call.requestId, s3Root('VersioningConfiguration', optionalEl('Status', bucket.versioning)));
}

export function putBucketVersioning(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const body = readXmlBody(ctx.request);
  const status = childText(body, 'Status');
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') {
    throw new AwsError('MalformedXML', 400, `The XML you provided was not well-formed or did not validate against our published schema: Status must be Enabled or Suspended, not '${status}'.`);
  }
  if (childText(body, 'MfaDelete') === 'Enabled') {
    throw new AwsError('NotImplemented', 501, 'The drctl sandbox does not emulate MFA delete (MfaDelete=Enabled).');
  }
  if (status === 'Suspended' && bucket.replication && !ctx.world.faults.hasCondition(S3_CONDITIONS.suspendWithReplication, bucket.name)) {
    throw new AwsError(
      'InvalidBucketState',
      409,
      `Versioning cannot be suspended on ${bucket.name} while it has a replication configuration. Delete the replication configuration first.`,
      { fields: { BucketName: bucket.name } },
    );
  }
  if (status) bucket.versioning = status;
  return emptyResponse(ctx.call.requestId);
}

/** Named `condition` faults the S3 emulation understands (see docs/sandbox.md). */
export const S3_CONDITIONS = {
  /** Let PutBucketVersioning suspend versioning even with a replication configuration (AWS behaviour is UNCERTAIN). */
  suspendWithReplication: 's3.versioning-suspend-allowed',
} as const;

export function putBucketReplication(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const root = readXmlBody(ctx.request);
  const config = readingXml(() => readReplicationConfiguration(root, () => ctx.world.newId('rule-', 20)));
  if (bucket.versioning !== 'Enabled') {
    throw new AwsError('InvalidRequest', 400, "Versioning must be 'Enabled' on the bucket to apply a replication configuration", { fields: { BucketName: bucket.name } });
  }
  validateReplicationConfiguration(config);
  for (const rule of config.rules) {
    const destinationName = destinationBucketName(rule) ?? '';
    if (destinationName === bucket.name) throw new AwsError('InvalidRequest', 400, `Destination bucket cannot be the same as the source bucket (rule '${rule.id}').`);
    const destination = findBucket(ctx.world, destinationName);
    if (!destination) throw new AwsError('InvalidRequest', 400, `Destination bucket must exist: ${destinationName} (rule '${rule.id}').`);
    if (destination.versioning !== 'Enabled') {
      throw new AwsError('InvalidRequest', 400, `Destination bucket must have versioning enabled: ${destinationName} (rule '${rule.id}').`);
    }
  }
  bucket.replication = config;
  return emptyResponse(ctx.call.requestId);
}

export function getBucketReplication(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  if (!bucket.replication) {
    throw new AwsError('ReplicationConfigurationNotFoundError', 404, 'The replication configuration was not found', { fields: { BucketName: bucket.name } });
  }
  return xmlResponse(ctx.call.requestId, replicationConfigurationXml(bucket.replication));
}

export function deleteBucketReplication(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  delete bucket.replication;
  return emptyResponse(ctx.call.requestId, 204);
}

