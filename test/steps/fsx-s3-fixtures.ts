/**
 * Fixtures for the fsx.* and s3.* step tests: a cross-account, cross-region runbook with an s3 bucket pair, a
 * warm Lustre pair and a pilot-light Lustre pair, plus small builders for mocked AWS answers.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { FSxClient } from '@aws-sdk/client-fsx';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { STSClient } from '@aws-sdk/client-sts';
import type { ReplicationRule } from '@aws-sdk/client-s3';
import { testRunbook } from '../helpers/step-context.js';
import { stubCallerIdentities } from '../helpers/step-context.js';

export const PROD = '111111111111';
export const DR = '222222222222';
export const PROD_REGION = 'us-east-1';
export const DR_REGION = 'us-west-2';
export const PROD_FS = 'fs-0aaaaaaaaaaaaaaa1';
export const DR_FS = 'fs-0bbbbbbbbbbbbbbb2';
export const ROLE = `arn:aws:iam::${PROD}:role/s3-replication`;
export const REVERSE_ROLE = `arn:aws:iam::${DR}:role/s3-replication`;
export const BATCH_ROLE = `arn:aws:iam::${PROD}:role/s3-batch`;
export const REVERSE_BATCH_ROLE = `arn:aws:iam::${DR}:role/s3-batch`;

const replication = {
  roleArn: ROLE,
  reverseRoleArn: REVERSE_ROLE,
  batchRoleArn: BATCH_ROLE,
  reverseBatchRoleArn: REVERSE_BATCH_ROLE,
};

/** Accounts without roleArn so the sandbox-mode gateway uses its fixed credentials (no AssumeRole to mock). */
export function fixtureRunbookInput(): Record<string, unknown> {
  return {
    version: 1,
    name: 'storage',
    accounts: {
      prod: { id: PROD, region: PROD_REGION },
      dr: { id: DR, region: DR_REGION },
    },
    filesystems: {
      media: {
        type: 's3',
        primary: { account: 'prod', bucket: 'media-prod' },
        secondary: { account: 'dr', bucket: 'media-dr' },
        replication: { ...replication, prefix: 'media/' },
      },
      lustre: {
        type: 'fsx-lustre',
        primary: {
          account: 'prod',
          fileSystemId: PROD_FS,
          associations: [
            { fileSystemPath: '/data', bucket: 'lustre-prod', prefix: 'data/' },
            { fileSystemPath: '/models', bucket: 'lustre-prod', prefix: 'models/' },
          ],
        },
        secondary: {
          account: 'dr',
          fileSystemId: DR_FS,
          associations: [
            { fileSystemPath: '/data', bucket: 'lustre-dr', prefix: 'data/' },
            { fileSystemPath: '/models', bucket: 'lustre-dr', prefix: 'models/' },
          ],
        },
        replication,
      },
      pilot: {
        type: 'fsx-lustre',
        primary: {
          account: 'prod',
          fileSystemId: PROD_FS,
          associations: [{ fileSystemPath: '/data', bucket: 'lustre-prod', prefix: 'data/' }],
        },
        secondary: {
          account: 'dr',
          create: { subnetId: 'subnet-0123456789abcdef0', securityGroupIds: ['sg-0123'], storageCapacity: 1200, deleteOnFailback: true },
          associations: [{ fileSystemPath: '/data', bucket: 'lustre-dr', prefix: 'data/' }],
        },
        replication,
      },
    },
  };
}

export const fixtureRunbook = () => testRunbook(fixtureRunbookInput());

/** Fresh mocks for every SDK client the kinds use; STS answers GetCallerIdentity per region. */
export function mockAws() {
  const s3 = mockClient(S3Client);
  const s3control = mockClient(S3ControlClient);
  const fsx = mockClient(FSxClient);
  const sts = mockClient(STSClient);
  stubCallerIdentities(sts, fixtureRunbook());
  return {
    s3,
    s3control,
    fsx,
    sts,
    reset() {
      s3.reset();
      s3control.reset();
      fsx.reset();
      sts.reset();
      stubCallerIdentities(sts, fixtureRunbook());
    },
    restore() {
      s3.restore();
      s3control.restore();
      fsx.restore();
      sts.restore();
    },
  };
}

/** A V2 rule as S3 returns it. */
export function rule(id: string, destinationBucket: string, overrides: Partial<ReplicationRule> = {}): ReplicationRule {
  return {
    ID: id,
    Priority: 1,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: 'Enabled' },
    SourceSelectionCriteria: { ReplicaModifications: { Status: 'Enabled' } },
    Destination: { Bucket: `arn:aws:s3:::${destinationBucket}` },
    ...overrides,
  };
}

/** A Lustre file system as FSx describes it. */
export function lustreFs(id: string, lifecycle: string, extra: Record<string, unknown> = {}) {
  return {
    FileSystemId: id,
    FileSystemType: 'LUSTRE' as const,
    Lifecycle: lifecycle as never,
    FileSystemTypeVersion: '2.15',
    DNSName: `${id}.fsx.example.com`,
    LustreConfiguration: { DeploymentType: 'PERSISTENT_2' as const, MountName: 'abcdefgh' },
    CreationTime: new Date('2025-12-31T23:50:00Z'),
    ...extra,
  };
}

/** A data repository association as FSx describes it (all events on by default). */
export function dra(id: string, fileSystemId: string, path: string, repo: string, lifecycle = 'AVAILABLE', extra: Record<string, unknown> = {}) {
  const events = ['NEW', 'CHANGED', 'DELETED'] as never[];
  return {
    AssociationId: id,
    FileSystemId: fileSystemId,
    FileSystemPath: path,
    DataRepositoryPath: repo,
    Lifecycle: lifecycle as never,
    S3: { AutoImportPolicy: { Events: events }, AutoExportPolicy: { Events: events } },
    CreationTime: new Date('2025-12-31T23:55:00Z'),
    ...extra,
  };
}
