/**
 * The narrow interface through which steps reach AWS. Steps never build clients or import SDK values; they call
 * `gateway.call(target, service, operation, input)`. Only type imports from the SDK appear here.
 */
import type * as Efs from '@aws-sdk/client-efs';
import type * as Fsx from '@aws-sdk/client-fsx';
import type * as S3 from '@aws-sdk/client-s3';
import type * as S3Control from '@aws-sdk/client-s3-control';
import type * as Sts from '@aws-sdk/client-sts';
import type * as CloudWatch from '@aws-sdk/client-cloudwatch';
import type { ServiceName } from './operations.js';

type Io<I, O> = { input: I; output: O };

export interface OperationMap {
  efs: {
    DescribeFileSystems: Io<Efs.DescribeFileSystemsCommandInput, Efs.DescribeFileSystemsCommandOutput>;
    DescribeMountTargets: Io<Efs.DescribeMountTargetsCommandInput, Efs.DescribeMountTargetsCommandOutput>;
    DescribeReplicationConfigurations: Io<
      Efs.DescribeReplicationConfigurationsCommandInput,
      Efs.DescribeReplicationConfigurationsCommandOutput
    >;
    CreateReplicationConfiguration: Io<
      Efs.CreateReplicationConfigurationCommandInput,
      Efs.CreateReplicationConfigurationCommandOutput
    >;
    DeleteReplicationConfiguration: Io<
      Efs.DeleteReplicationConfigurationCommandInput,
      Efs.DeleteReplicationConfigurationCommandOutput
    >;
    UpdateFileSystemProtection: Io<Efs.UpdateFileSystemProtectionCommandInput, Efs.UpdateFileSystemProtectionCommandOutput>;
  };
  fsx: {
    DescribeFileSystems: Io<Fsx.DescribeFileSystemsCommandInput, Fsx.DescribeFileSystemsCommandOutput>;
    CreateFileSystem: Io<Fsx.CreateFileSystemCommandInput, Fsx.CreateFileSystemCommandOutput>;
    DeleteFileSystem: Io<Fsx.DeleteFileSystemCommandInput, Fsx.DeleteFileSystemCommandOutput>;
    DescribeDataRepositoryAssociations: Io<
      Fsx.DescribeDataRepositoryAssociationsCommandInput,
      Fsx.DescribeDataRepositoryAssociationsCommandOutput
    >;
    CreateDataRepositoryAssociation: Io<
      Fsx.CreateDataRepositoryAssociationCommandInput,
      Fsx.CreateDataRepositoryAssociationCommandOutput
    >;
    UpdateDataRepositoryAssociation: Io<
      Fsx.UpdateDataRepositoryAssociationCommandInput,
      Fsx.UpdateDataRepositoryAssociationCommandOutput
    >;
    DeleteDataRepositoryAssociation: Io<
      Fsx.DeleteDataRepositoryAssociationCommandInput,
      Fsx.DeleteDataRepositoryAssociationCommandOutput
    >;
    CreateDataRepositoryTask: Io<Fsx.CreateDataRepositoryTaskCommandInput, Fsx.CreateDataRepositoryTaskCommandOutput>;
    DescribeDataRepositoryTasks: Io<
      Fsx.DescribeDataRepositoryTasksCommandInput,
      Fsx.DescribeDataRepositoryTasksCommandOutput
    >;
    CancelDataRepositoryTask: Io<Fsx.CancelDataRepositoryTaskCommandInput, Fsx.CancelDataRepositoryTaskCommandOutput>;
  };
  s3: {
    GetBucketLocation: Io<S3.GetBucketLocationCommandInput, S3.GetBucketLocationCommandOutput>;
    HeadBucket: Io<S3.HeadBucketCommandInput, S3.HeadBucketCommandOutput>;
    GetBucketVersioning: Io<S3.GetBucketVersioningCommandInput, S3.GetBucketVersioningCommandOutput>;
    PutBucketVersioning: Io<S3.PutBucketVersioningCommandInput, S3.PutBucketVersioningCommandOutput>;
    GetBucketReplication: Io<S3.GetBucketReplicationCommandInput, S3.GetBucketReplicationCommandOutput>;
    PutBucketReplication: Io<S3.PutBucketReplicationCommandInput, S3.PutBucketReplicationCommandOutput>;
    DeleteBucketReplication: Io<S3.DeleteBucketReplicationCommandInput, S3.DeleteBucketReplicationCommandOutput>;
    HeadObject: Io<S3.HeadObjectCommandInput, S3.HeadObjectCommandOutput>;
    GetObject: Io<S3.GetObjectCommandInput, S3.GetObjectCommandOutput>;
    PutObject: Io<S3.PutObjectCommandInput, S3.PutObjectCommandOutput>;
    DeleteObject: Io<S3.DeleteObjectCommandInput, S3.DeleteObjectCommandOutput>;
    ListObjectsV2: Io<S3.ListObjectsV2CommandInput, S3.ListObjectsV2CommandOutput>;
    ListObjectVersions: Io<S3.ListObjectVersionsCommandInput, S3.ListObjectVersionsCommandOutput>;
  };
  s3control: {
    CreateJob: Io<S3Control.CreateJobCommandInput, S3Control.CreateJobCommandOutput>;
    DescribeJob: Io<S3Control.DescribeJobCommandInput, S3Control.DescribeJobCommandOutput>;
    ListJobs: Io<S3Control.ListJobsCommandInput, S3Control.ListJobsCommandOutput>;
    UpdateJobStatus: Io<S3Control.UpdateJobStatusCommandInput, S3Control.UpdateJobStatusCommandOutput>;
  };
  sts: {
    GetCallerIdentity: Io<Sts.GetCallerIdentityCommandInput, Sts.GetCallerIdentityCommandOutput>;
    AssumeRole: Io<Sts.AssumeRoleCommandInput, Sts.AssumeRoleCommandOutput>;
  };
  cloudwatch: {
    GetMetricData: Io<CloudWatch.GetMetricDataCommandInput, CloudWatch.GetMetricDataCommandOutput>;
  };
}

export type OpName<S extends ServiceName> = keyof OperationMap[S] & string;
export type OpInput<S extends ServiceName, O extends OpName<S>> = OperationMap[S][O] extends Io<infer I, unknown> ? I : never;
export type OpOutput<S extends ServiceName, O extends OpName<S>> = OperationMap[S][O] extends Io<unknown, infer R> ? R : never;

/** Where a call goes: a runbook account (by its name) in a region (defaults to the account's region). */
export interface Target {
  account: string;
  region?: string;
}

/** Identity as verified by GetCallerIdentity. */
export interface VerifiedIdentity {
  account: string;
  accountId: string;
  arn: string;
  userId: string;
}

export interface AwsGateway {
  call<S extends ServiceName, O extends OpName<S>>(target: Target, service: S, operation: O, input: OpInput<S, O>): Promise<OpOutput<S, O>>;
  /**
   * GetCallerIdentity for the account's credentials (after AssumeRole) and a check that the account id is the one
   * the runbook declares; refuses (RefusedError, exit 3) otherwise. Memoized per account.
   */
  verifyIdentity(account: string): Promise<VerifiedIdentity>;
  /** Identities verified so far, for reports. */
  identities(): VerifiedIdentity[];
}

/** One AWS call as recorded in the run journal. Never credentials. */
export interface AwsCallRecord {
  service: ServiceName;
  operation: string;
  account: string;
  accountId: string;
  region: string;
  requestId?: string;
  durationMs: number;
  outcome: 'ok' | 'error';
  errorName?: string;
  httpStatus?: number;
  attempts?: number;
}
