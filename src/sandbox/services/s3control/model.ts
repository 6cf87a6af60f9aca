/**
 * S3 Batch Operations jobs (the Batch Replication subset) as plain JSON data in the World, per account and region
 * (a job lives in the region it was created in, which must be the source bucket's).
 */
import type { World } from '../../world.js';

export const S3CONTROL_STATE = 's3control';

export type JobStatus =
  | 'New'
  | 'Preparing'
  | 'Suspended'
  | 'Ready'
  | 'Active'
  | 'Completing'
  | 'Complete'
  | 'Cancelling'
  | 'Cancelled'
  | 'Failing'
  | 'Failed';

export const TERMINAL_STATUSES: readonly JobStatus[] = ['Complete', 'Cancelled', 'Failed'];

export interface JobFilter {
  eligibleForReplication?: boolean;
  createdAfter?: number;
  createdBefore?: number;
  objectReplicationStatuses?: string[];
  matchAnyPrefix?: string[];
  matchAnySuffix?: string[];
  matchAnySubstring?: string[];
  objectSizeGreaterThanBytes?: number;
  objectSizeLessThanBytes?: number;
  matchAnyStorageClass?: string[];
}

export interface ManifestGeneratorSpec {
  sourceBucketArn: string;
  enableManifestOutput: boolean;
  expectedBucketOwner?: string;
  outputLocation?: { bucketArn: string; format: string; prefix?: string; expectedBucketOwner?: string };
  filter?: JobFilter;
}

export interface JobReportSpec {
  enabled: boolean;
  bucketArn?: string;
  format?: string;
  prefix?: string;
  scope?: string;
  expectedBucketOwner?: string;
}

/** What a CreateJob asked for, in a canonical form (its JSON is the idempotency fingerprint). */
export interface JobRequest {
  operation: 'S3ReplicateObject';
  priority: number;
  roleArn: string;
  confirmationRequired: boolean;
  description?: string;
  report: JobReportSpec;
  manifestGenerator: ManifestGeneratorSpec;
  tags: Array<{ key: string; value: string }>;
}

export interface JobTask {
  key: string;
  versionId: string;
}

export interface JobTaskResult extends JobTask {
  succeeded: boolean;
  errorCode?: string;
  message?: string;
}

export interface JobRecord {
  jobId: string;
  accountId: string;
  region: string;
  clientRequestToken: string;
  request: JobRequest;
  status: JobStatus;
  /** When the current status began (epoch ms); durations count from here. */
  statusSince: number;
  createdAt: number;
  activeSince?: number;
  terminatedAt?: number;
  suspendedAt?: number;
  suspendedCause?: string;
  statusUpdateReason?: string;
  failureReasons: Array<{ code: string; reason: string }>;
  /** The generated manifest, fixed at the end of Preparing. */
  tasks?: JobTask[];
  results?: JobTaskResult[];
  generatedManifest?: { objectArn: string; etag: string };
  reportWritten?: boolean;
}

export interface S3ControlRegionState {
  jobs: Record<string, JobRecord>;
  /** ClientRequestToken → job id, for CreateJob idempotency. */
  tokens: Record<string, string>;
}

export function s3ControlState(world: World, accountId: string, region: string): S3ControlRegionState {
  return world.state<S3ControlRegionState>(S3CONTROL_STATE, accountId, region, () => ({ jobs: {}, tokens: {} }));
}

export function jobArn(job: JobRecord): string {
  return `arn:aws:s3:${job.region}:${job.accountId}:job/${job.jobId}`;
}
