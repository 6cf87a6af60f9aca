/**
 * The S3 service as the router sees it: names the operation of a request, dispatches the emulated ones and
 * answers every other one with a protocol-correct NotImplemented that names it.
 */
import { notImplemented, type AwsError } from '../../protocol/errors.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from '../../types.js';
import type { World } from '../../world.js';
import {
  createBucket,
  deleteBucket,
  deleteBucketReplication,
  getBucketLocation,
  getBucketReplication,
  getBucketVersioning,
  headBucket,
  listBuckets,
  putBucketReplication,
  putBucketVersioning,
  type S3Call,
} from './bucket-ops.js';
import { deleteObject, getObject, headObject, listObjectsV2, listObjectVersions, putObject } from './object-ops.js';
import { routeS3Request } from './request.js';
import { s3ErrorResponse } from './responses.js';

type S3Operation = (ctx: S3Call) => SandboxResponse;

export const S3_OPERATIONS: Record<string, S3Operation> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  GetBucketReplication: getBucketReplication,
  PutBucketReplication: putBucketReplication,
  DeleteBucketReplication: deleteBucketReplication,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  ListObjectsV2: listObjectsV2,
  ListObjectVersions: listObjectVersions,
};

export const s3Service: SandboxService = {
  service: 's3',
  operationOf: (request: SandboxRequest) => routeS3Request(request).operation,
  handle(request: SandboxRequest, call: CallContext, world: World): SandboxResponse {
    const route = routeS3Request(request);
    const operation = S3_OPERATIONS[route.operation];
    if (!operation) throw notImplemented('s3', route.operation);
    return operation({ world, call, request, route });
  },
  renderError: (error: AwsError, request: SandboxRequest, requestId: string) => s3ErrorResponse(error, request.method, requestId),
};
