/**
 * The catalogue of every AWS operation drctl may call. It is the single source for three things that must never
 * drift apart: the read-only allowlist enforced in --dry-run, the IAM actions in generated policies, and the
 * mapping from an operation name to its SDK command class (resolved lazily in clients.ts).
 *
 * This file imports nothing from the SDK so `validate`, `schema` and `--help` stay fast.
 */
export type ServiceName = 'efs' | 'fsx' | 's3' | 's3control' | 'sts' | 'cloudwatch';

export interface OperationInfo {
  /** false for reads: the only operations allowed in --dry-run. */
  mutating: boolean;
  /** IAM actions the caller needs (least privilege). */
  iam: string[];
  /** Extra IAM actions needed only in some cases, with the condition (rendered in policies as a comment-ish Sid). */
  passRoleTo?: string;
}

export const OPERATIONS = {
  efs: {
    DescribeFileSystems: { mutating: false, iam: ['elasticfilesystem:DescribeFileSystems'] },
    DescribeMountTargets: { mutating: false, iam: ['elasticfilesystem:DescribeMountTargets'] },
    DescribeReplicationConfigurations: { mutating: false, iam: ['elasticfilesystem:DescribeReplicationConfigurations'] },
    CreateReplicationConfiguration: {
      mutating: true,
      iam: ['elasticfilesystem:CreateReplicationConfiguration', 'iam:CreateServiceLinkedRole'],
      passRoleTo: 'elasticfilesystem.amazonaws.com',
    },
    DeleteReplicationConfiguration: { mutating: true, iam: ['elasticfilesystem:DeleteReplicationConfiguration'] },
    UpdateFileSystemProtection: { mutating: true, iam: ['elasticfilesystem:UpdateFileSystemProtection'] },
  },
  fsx: {
    DescribeFileSystems: { mutating: false, iam: ['fsx:DescribeFileSystems'] },
    CreateFileSystem: { mutating: true, iam: ['fsx:CreateFileSystem', 'fsx:TagResource', 'iam:CreateServiceLinkedRole'] },
    DeleteFileSystem: { mutating: true, iam: ['fsx:DeleteFileSystem'] },
    DescribeDataRepositoryAssociations: { mutating: false, iam: ['fsx:DescribeDataRepositoryAssociations'] },
    CreateDataRepositoryAssociation: {
      mutating: true,
      iam: ['fsx:CreateDataRepositoryAssociation', 'fsx:TagResource', 'iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
    },
    UpdateDataRepositoryAssociation: { mutating: true, iam: ['fsx:UpdateDataRepositoryAssociation'] },
    DeleteDataRepositoryAssociation: { mutating: true, iam: ['fsx:DeleteDataRepositoryAssociation'] },
    CreateDataRepositoryTask: { mutating: true, iam: ['fsx:CreateDataRepositoryTask', 'fsx:TagResource'] },
    DescribeDataRepositoryTasks: { mutating: false, iam: ['fsx:DescribeDataRepositoryTasks'] },
    CancelDataRepositoryTask: { mutating: true, iam: ['fsx:CancelDataRepositoryTask'] },
  },
  s3: {
    GetBucketLocation: { mutating: false, iam: ['s3:GetBucketLocation'] },
    HeadBucket: { mutating: false, iam: ['s3:ListBucket'] },
    GetBucketVersioning: { mutating: false, iam: ['s3:GetBucketVersioning'] },
    PutBucketVersioning: { mutating: true, iam: ['s3:PutBucketVersioning'] },
    GetBucketReplication: { mutating: false, iam: ['s3:GetReplicationConfiguration'] },
    PutBucketReplication: { mutating: true, iam: ['s3:PutReplicationConfiguration'], passRoleTo: 's3.amazonaws.com' },
    DeleteBucketReplication: { mutating: true, iam: ['s3:PutReplicationConfiguration'] },
    HeadObject: { mutating: false, iam: ['s3:GetObject', 's3:ListBucket'] },
    GetObject: { mutating: false, iam: ['s3:GetObject'] },
    PutObject: { mutating: true, iam: ['s3:PutObject'] },
    DeleteObject: { mutating: true, iam: ['s3:DeleteObject', 's3:DeleteObjectVersion'] },
    ListObjectsV2: { mutating: false, iam: ['s3:ListBucket'] },
    ListObjectVersions: { mutating: false, iam: ['s3:ListBucketVersions'] },
  },
  s3control: {
    CreateJob: { mutating: true, iam: ['s3:CreateJob'], passRoleTo: 'batchoperations.s3.amazonaws.com' },
    DescribeJob: { mutating: false, iam: ['s3:DescribeJob'] },
    ListJobs: { mutating: false, iam: ['s3:ListJobs'] },
    UpdateJobStatus: { mutating: true, iam: ['s3:UpdateJobStatus'] },
  },
  sts: {
    GetCallerIdentity: { mutating: false, iam: [] },
    AssumeRole: { mutating: false, iam: ['sts:AssumeRole'] },
  },
  cloudwatch: {
    GetMetricData: { mutating: false, iam: ['cloudwatch:GetMetricData'] },
  },
} as const satisfies Record<ServiceName, Record<string, OperationInfo>>;

export type OperationName<S extends ServiceName> = keyof (typeof OPERATIONS)[S] & string;

export function operationInfo(service: ServiceName, operation: string): OperationInfo | undefined {
  return (OPERATIONS[service] as Record<string, OperationInfo>)[operation];
}

/** The --dry-run allowlist: every operation not listed as a read is refused. */
export function isReadOnlyOperation(service: ServiceName, operation: string): boolean {
  const info = operationInfo(service, operation);
  return info !== undefined && !info.mutating;
}
