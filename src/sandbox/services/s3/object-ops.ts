/**
 * Object-level S3 operations: PutObject (with If-None-Match / If-Match), GetObject, HeadObject (with
 * `x-amz-replication-status`), DeleteObject (delete markers when versioned), ListObjectsV2, ListObjectVersions.
 */
import { AwsError } from '../../protocol/errors.js';
import { el, optionalEl, type XmlElement } from '../../protocol/xml.js';
import type { SandboxResponse } from '../../types.js';
import { requireBucket, type S3Call } from './bucket-ops.js';
import { bodyOf, findVersion, sortedKeys, type BucketRecord, type ObjectVersion } from './model.js';
import { deleteObject as applyDelete, putObject as applyPut } from './objects.js';
import { bodyResponse, emptyResponse, encodeKeyFor, httpDate, isoDate, s3Root, xmlResponse } from './responses.js';

function keyOf(ctx: S3Call): string {
  return ctx.route.key ?? '';
}

function query(ctx: S3Call, name: string): string | undefined {
  return ctx.request.query[name]?.[0];
}

function noSuchKey(bucket: string, key: string, headers: Record<string, string> = {}): AwsError {
  return new AwsError('NoSuchKey', 404, `The specified key does not exist: s3://${bucket}/${key}.`, { fields: { Key: key }, headers });
}

function userMetadata(headers: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = value;
  return metadata;
}

export function putObject(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const key = keyOf(ctx);
  const current = bucket.objects[key]?.[0];
  const live = current && !current.deleteMarker ? current : undefined;
  const ifNoneMatch = ctx.request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      throw new AwsError('NotImplemented', 501, 'A header you provided implies functionality that is not implemented: PutObject supports only If-None-Match: *.', { fields: { Header: 'If-None-Match' } });
    }
    if (live) {
      throw new AwsError('PreconditionFailed', 412, `At least one of the pre-conditions you specified did not hold: s3://${bucket.name}/${key} already exists.`, { fields: { Condition: 'If-None-Match' } });
    }
  }
  const ifMatch = ctx.request.headers['if-match'];
  if (ifMatch !== undefined) {
    if (!live) throw noSuchKey(bucket.name, key);
    if (ifMatch.trim() !== live.etag && ifMatch.trim() !== '*') {
      throw new AwsError('PreconditionFailed', 412, `At least one of the pre-conditions you specified did not hold: the ETag of s3://${bucket.name}/${key} is ${live.etag}.`, { fields: { Condition: 'If-Match' } });
    }
  }
  const contentType = ctx.request.headers['content-type'];
  const version = applyPut(
    ctx.world,
    bucket,
    key,
    { body: ctx.request.body, ...(contentType ? { contentType } : {}), metadata: userMetadata(ctx.request.headers) },
    ctx.call.now,
  );
  const headers: Record<string, string> = { etag: version.etag };
  if (bucket.versioning === 'Enabled') headers['x-amz-version-id'] = version.versionId;
  return emptyResponse(ctx.call.requestId, 200, headers);
}

/** The version GetObject/HeadObject answer for, with S3's errors for delete markers and unknown versions. */
function versionToRead(ctx: S3Call, bucket: BucketRecord): ObjectVersion {
  const key = keyOf(ctx);
  const versionId = query(ctx, 'versionId');
  if (versionId !== undefined) {
    const version = findVersion(bucket, key, versionId);
    if (!version) {
      throw new AwsError('NoSuchVersion', 404, `The specified version ${versionId} does not exist for s3://${bucket.name}/${key}.`, { fields: { Key: key, VersionId: versionId } });
    }
    if (version.deleteMarker) {
      throw new AwsError('MethodNotAllowed', 405, `The specified method is not allowed against this resource: version ${versionId} of ${key} is a delete marker.`, {
        headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionId, 'last-modified': httpDate(version.lastModified) },
      });
    }
    return version;
  }
  const current = bucket.objects[key]?.[0];
  if (!current) throw noSuchKey(bucket.name, key);
  if (current.deleteMarker) throw noSuchKey(bucket.name, key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': current.versionId });
  return current;
}

function objectHeaders(bucket: BucketRecord, version: ObjectVersion): Record<string, string> {
  const headers: Record<string, string> = {
    etag: version.etag,
    'last-modified': httpDate(version.lastModified),
    'content-type': version.contentType ?? 'binary/octet-stream',
    'accept-ranges': 'bytes',
  };
  if (bucket.versioning) headers['x-amz-version-id'] = version.versionId;
  if (version.replicationStatus) headers['x-amz-replication-status'] = version.replicationStatus;
  for (const [name, value] of Object.entries(version.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

export function getObject(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const version = versionToRead(ctx, bucket);
  return bodyResponse(ctx.call.requestId, bodyOf(version), objectHeaders(bucket, version));
}

export function headObject(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const version = versionToRead(ctx, bucket);
  return emptyResponse(ctx.call.requestId, 200, { ...objectHeaders(bucket, version), 'content-length': String(version.size) });
}

export function deleteObject(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const result = applyDelete(ctx.world, bucket, keyOf(ctx), ctx.call.now, query(ctx, 'versionId'));
  const headers: Record<string, string> = {};
  if (result.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  if (result.versionId !== undefined) headers['x-amz-version-id'] = result.versionId;
  return emptyResponse(ctx.call.requestId, 204, headers);
}

function maxKeys(ctx: S3Call): number {
  const text = query(ctx, 'max-keys');
  if (text === undefined) return 1000;
  if (!/^\d+$/.test(text)) throw new AwsError('InvalidArgument', 400, `Provided max-keys not an integer or within integer range: '${text}'.`);
  return Math.min(Number(text), 1000);
}

type ListEntry = { kind: 'key'; key: string } | { kind: 'prefix'; prefix: string };

/**
 * Walks keys after `marker` under `prefix`, rolling keys up into common prefixes at `delimiter`; stops after
 * `max` entries and says where to continue.
 */
function walkKeys(keys: string[], prefix: string, delimiter: string | undefined, marker: string | undefined, max: number) {
  const entries: ListEntry[] = [];
  let truncated = false;
  let next: string | undefined;
  let lastPrefix: string | undefined;
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    if (marker !== undefined && key <= marker) continue;
    let rolled: string | undefined;
    if (delimiter) {
      const cut = key.indexOf(delimiter, prefix.length);
      if (cut !== -1) rolled = key.slice(0, cut + delimiter.length);
    }
    if (rolled !== undefined && rolled === lastPrefix) continue;
    if (marker !== undefined && rolled !== undefined && marker.startsWith(rolled)) continue;
    if (entries.length >= max) {
      truncated = true;
      break;
    }
    if (rolled !== undefined) {
      entries.push({ kind: 'prefix', prefix: rolled });
      lastPrefix = rolled;
      next = rolled;
    } else {
      entries.push({ kind: 'key', key });
      next = key;
    }
  }
  return { entries, truncated, next: truncated ? next : undefined };
}

export function listObjectsV2(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const prefix = query(ctx, 'prefix') ?? '';
  const delimiter = query(ctx, 'delimiter') || undefined;
  const encoding = query(ctx, 'encoding-type');
  const token = query(ctx, 'continuation-token');
  const startAfter = query(ctx, 'start-after');
  const max = maxKeys(ctx);
  const marker = token !== undefined ? Buffer.from(token, 'base64url').toString('utf8') : startAfter;
  const liveKeys = sortedKeys(bucket).filter((key) => bucket.objects[key]?.[0]?.deleteMarker === false);
  const { entries, truncated, next } = walkKeys(liveKeys, prefix, delimiter, marker, max);
  const encode = (text: string) => encodeKeyFor(encoding, text);
  const contents = entries.flatMap((entry): XmlElement[] => {
    if (entry.kind !== 'key') return [];
    const version = bucket.objects[entry.key]?.[0] as ObjectVersion;
    return [el('Contents', el('Key', encode(entry.key)), el('LastModified', isoDate(version.lastModified)), el('ETag', version.etag), el('Size', version.size), el('StorageClass', 'STANDARD'))];
  });
  const prefixes = entries.flatMap((entry) => (entry.kind === 'prefix' ? [el('CommonPrefixes', el('Prefix', encode(entry.prefix)))] : []));
  return xmlResponse(
    ctx.call.requestId,
    s3Root(
      'ListBucketResult',
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      optionalEl('Delimiter', delimiter === undefined ? undefined : encode(delimiter)),
      el('MaxKeys', max),
      el('KeyCount', entries.length),
      el('IsTruncated', truncated),
      optionalEl('ContinuationToken', token),
      optionalEl('NextContinuationToken', next === undefined ? undefined : Buffer.from(next).toString('base64url')),
      optionalEl('StartAfter', startAfter === undefined ? undefined : encode(startAfter)),
      optionalEl('EncodingType', encoding),
      contents,
      prefixes,
    ),
  );
}

export function listObjectVersions(ctx: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx);
  const prefix = query(ctx, 'prefix') ?? '';
  const delimiter = query(ctx, 'delimiter') || undefined;
  const encoding = query(ctx, 'encoding-type');
  const keyMarker = query(ctx, 'key-marker') || undefined;
  const versionIdMarker = query(ctx, 'version-id-marker') || undefined;
  const max = maxKeys(ctx);
  const encode = (text: string) => encodeKeyFor(encoding, text);

  const items: XmlElement[] = [];
  const prefixes: XmlElement[] = [];
  let count = 0;
  let truncated = false;
  let nextKey: string | undefined;
  let nextVersion: string | undefined;
  let lastPrefix: string | undefined;
  outer: for (const key of sortedKeys(bucket)) {
    if (!key.startsWith(prefix)) continue;
    if (keyMarker !== undefined && (key < keyMarker || (key === keyMarker && versionIdMarker === undefined))) continue;
    if (delimiter) {
      const cut = key.indexOf(delimiter, prefix.length);
      if (cut !== -1) {
        const rolled = key.slice(0, cut + delimiter.length);
        if (rolled === lastPrefix || (keyMarker !== undefined && keyMarker.startsWith(rolled))) continue;
        if (count >= max) {
          truncated = true;
          break;
        }
        prefixes.push(el('CommonPrefixes', el('Prefix', encode(rolled))));
        lastPrefix = rolled;
        nextKey = rolled;
        nextVersion = undefined;
        count += 1;
        continue;
      }
    }
    const versions = bucket.objects[key] ?? [];
    let skipping = key === keyMarker && versionIdMarker !== undefined;
    for (const [index, version] of versions.entries()) {
      if (skipping) {
        if (version.versionId === versionIdMarker) skipping = false;
        continue;
      }
      if (count >= max) {
        truncated = true;
        break outer;
      }
      const common = [el('Key', encode(key)), el('VersionId', version.versionId), el('IsLatest', index === 0), el('LastModified', isoDate(version.lastModified))];
      const owner = el('Owner', el('ID', bucket.accountId));
      items.push(
        version.deleteMarker
          ? el('DeleteMarker', common, owner)
          : el('Version', common, el('ETag', version.etag), el('Size', version.size), el('StorageClass', 'STANDARD'), owner),
      );
      nextKey = key;
      nextVersion = version.versionId;
      count += 1;
    }
  }
  return xmlResponse(
    ctx.call.requestId,
    s3Root(
      'ListVersionsResult',
      el('Name', bucket.name),
      el('Prefix', encode(prefix)),
      optionalEl('Delimiter', delimiter === undefined ? undefined : encode(delimiter)),
      el('KeyMarker', keyMarker === undefined ? '' : encode(keyMarker)),
      el('VersionIdMarker', versionIdMarker ?? ''),
      el('MaxKeys', max),
      el('IsTruncated', truncated),
      truncated ? optionalEl('NextKeyMarker', nextKey === undefined ? undefined : encode(nextKey)) : undefined,
      truncated ? optionalEl('NextVersionIdMarker', nextVersion) : undefined,
      optionalEl('EncodingType', encoding),
      items,
      prefixes,
    ),
  );
}
