/**
 * S3 request addressing and operation resolution. S3 is the hardest of the restXml services to route: the bucket
 * comes from the first path segment (path style) or from the Host (`bucket.localhost`, virtual-host style), the
 * operation from the method plus a sub-resource query key that may be sent as `?versioning=` (JS SDK) or
 * `?versioning` (CLIs), the JS SDK adds an `x-id` hint we must not rely on, PutObject and CopyObject share a route
 * and differ only by the `x-amz-copy-source` header. (aws-chunked uploads are decoded by the router.)
 */
import type { SandboxRequest } from '../../types.js';

export interface S3Route {
  /** The S3 operation name as the SDK spells it (e.g. `GetBucketReplication`). */
  operation: string;
  /** Absent for ListBuckets. */
  bucket?: string;
  /** Present (possibly with slashes) for object operations. */
  key?: string;
}

/** Query keys that select a sub-resource; every other key (prefix, max-keys, versionId, x-id…) is a parameter. */
const SUB_RESOURCES = new Set([
  'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'location', 'logging', 'metadataTable', 'metrics', 'notification', 'object-lock',
  'ownershipControls', 'policy', 'policyStatus', 'publicAccessBlock', 'replication', 'requestPayment', 'restore',
  'retention', 'select', 'session', 'tagging', 'torrent', 'uploadId', 'uploads', 'versioning', 'versions', 'website',
]);

/** Names for sub-resource operations we do not emulate, so NotImplemented can name them. */
const SUB_RESOURCE_OPERATIONS: Record<string, Partial<Record<string, string>>> = {
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  cors: { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' },
  encryption: { GET: 'GetBucketEncryption', PUT: 'PutBucketEncryption', DELETE: 'DeleteBucketEncryption' },
  lifecycle: { GET: 'GetBucketLifecycleConfiguration', PUT: 'PutBucketLifecycleConfiguration', DELETE: 'DeleteBucketLifecycle' },
  notification: { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' },
  'object-lock': { GET: 'GetObjectLockConfiguration', PUT: 'PutObjectLockConfiguration' },
  delete: { POST: 'DeleteObjects' },
  uploads: { GET: 'ListMultipartUploads', POST: 'CreateMultipartUpload' },
  uploadId: { PUT: 'UploadPart', POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload', GET: 'ListParts' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  replication: { GET: 'GetBucketReplication', PUT: 'PutBucketReplication', DELETE: 'DeleteBucketReplication' },
  versions: { GET: 'ListObjectVersions' },
  location: { GET: 'GetBucketLocation' },
};

const OBJECT_SUB_RESOURCE_OPERATIONS: Record<string, Partial<Record<string, string>>> = {
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' },
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  attributes: { GET: 'GetObjectAttributes' },
  restore: { POST: 'RestoreObject' },
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
};

/** The bucket named by a virtual-host style Host (`bucket.localhost[:port]`, `bucket.s3.region.amazonaws.com`). */
export function bucketFromHost(host: string): string | undefined {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const local = /^(.+)\.localhost$/.exec(name);
  if (local) return local[1];
  const aws = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(name);
  return aws ? aws[1] : undefined;
}

/** Splits the request into bucket and key, path style or virtual-host style. */
export function resolveS3Address(request: Pick<SandboxRequest, 'host' | 'path'>): { bucket?: string; key?: string } {
  const fromHost = bucketFromHost(request.host);
  if (fromHost) {
    const key = request.path.replace(/^\//, '');
    return key ? { bucket: fromHost, key } : { bucket: fromHost };
  }
  const path = request.path.replace(/^\//, '');
  if (path === '') return {};
  const slash = path.indexOf('/');
  if (slash === -1) return { bucket: path };
  const key = path.slice(slash + 1);
  return key ? { bucket: path.slice(0, slash), key } : { bucket: path.slice(0, slash) };
}

/** The sub-resource key of the query, if any (whether sent as `?versioning` or `?versioning=`). */
export function subResourceOf(query: Record<string, string[]>): string | undefined {
  return Object.keys(query).find((key) => SUB_RESOURCES.has(key));
}

/** Resolves which S3 operation a request is; unknown combinations get a descriptive name for NotImplemented. */
export function routeS3Request(request: Pick<SandboxRequest, 'method' | 'host' | 'path' | 'query' | 'headers'>): S3Route {
  const method = request.method.toUpperCase();
  const { bucket, key } = resolveS3Address(request);
  const sub = subResourceOf(request.query);
  const at = (operation: string): S3Route => ({ operation, ...(bucket ? { bucket } : {}), ...(key !== undefined ? { key } : {}) });

  if (!bucket) return at(method === 'GET' ? 'ListBuckets' : `${method} /`);
  if (key === undefined) {
    if (sub) return at(SUB_RESOURCE_OPERATIONS[sub]?.[method] ?? `${method} ?${sub}`);
    switch (method) {
      case 'GET':
        return at(request.query['list-type']?.[0] === '2' ? 'ListObjectsV2' : 'ListObjects');
      case 'HEAD':
        return at('HeadBucket');
      case 'PUT':
        return at('CreateBucket');
      case 'DELETE':
        return at('DeleteBucket');
      default:
        return at(`${method} /{Bucket}`);
    }
  }
  if (sub) return at(OBJECT_SUB_RESOURCE_OPERATIONS[sub]?.[method] ?? SUB_RESOURCE_OPERATIONS[sub]?.[method] ?? `${method} /{Key}?${sub}`);
  switch (method) {
    case 'GET':
      return at('GetObject');
    case 'HEAD':
      return at('HeadObject');
    case 'PUT':
      // Same URI as PutObject: only the copy-source header tells them apart (the x-id hint is JS-only).
      return at(request.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject');
    case 'DELETE':
      return at('DeleteObject');
    default:
      return at(`${method} /{Key}`);
  }
}
