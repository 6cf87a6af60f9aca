/**
 * A small, explicit EFS state for step tests, served through aws-sdk-client-mock: file systems (per region) and
 * replication configurations with the regions that list them. Reads answer from the state; mutations are only
 * recorded (tests move the state on themselves, so each test says exactly which AWS state it exercises).
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateReplicationConfigurationCommand,
  DeleteReplicationConfigurationCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetsCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  UpdateFileSystemProtectionCommand,
} from '@aws-sdk/client-efs';
import { STSClient } from '@aws-sdk/client-sts';
import { awsError, EFS_PRIMARY_ID, EFS_SECONDARY_ID, PRIMARY_REGION, SECONDARY_REGION, stubCallerIdentities } from '../helpers/step-context.js';

export interface FsState {
  region: string;
  lifeCycleState?: string;
  protection?: 'ENABLED' | 'DISABLED' | 'REPLICATING';
  availabilityZoneName?: string;
  mountTargets?: Array<{ az: string; state?: string }>;
}

export interface ReplicationState {
  sourceId: string;
  sourceRegion: string;
  destinationId: string;
  destinationRegion: string;
  status: string;
  lastReplicatedAt?: Date;
  statusMessage?: string;
  /** Regions that list it (default both). */
  listedIn?: string[];
}

export class EfsFixture {
  readonly efs = mockClient(EFSClient);
  readonly sts = mockClient(STSClient);
  fileSystems = new Map<string, FsState>();
  replications: ReplicationState[] = [];
  /** Per-command failures to throw instead of answering (consumed in order). */
  failures = new Map<string, unknown[]>();

  constructor() {
    this.reset();
  }

  /** Healthy starting point: primary → secondary ENABLED, synced `lagMs` ago, DR mount targets in 2 AZs. */
  reset(now = Date.parse('2026-01-01T00:00:00Z'), lagMs = 60_000): this {
    this.efs.reset();
    this.sts.reset();
    stubCallerIdentities(this.sts);
    this.failures.clear();
    this.fileSystems = new Map([
      [EFS_PRIMARY_ID, { region: PRIMARY_REGION, protection: 'ENABLED' }],
      [EFS_SECONDARY_ID, { region: SECONDARY_REGION, protection: 'REPLICATING', mountTargets: [{ az: 'us-west-2a' }, { az: 'us-west-2b' }] }],
    ]);
    this.replications = [replication('primary-to-secondary', 'ENABLED', new Date(now - lagMs))];
    this.install();
    return this;
  }

  fs(id: string): FsState {
    const fs = this.fileSystems.get(id);
    if (!fs) throw new Error(`fixture has no file system ${id}`);
    return fs;
  }

  failNext(command: string, error: unknown): void {
    this.failures.set(command, [...(this.failures.get(command) ?? []), error]);
  }

  /** Inputs of every call of a command, in order. */
  inputs(command: { name: string }): unknown[] {
    return this.efs.commandCalls(command as never).map((c) => (c.args[0] as { input: unknown }).input);
  }

  private failure(command: string): unknown {
    const queue = this.failures.get(command);
    return queue && queue.length > 0 ? queue.shift() : undefined;
  }

  private install(): void {
    const on = (command: { name: string }, answer: (input: Record<string, unknown>, region: string) => unknown) => {
      this.efs.on(command as never).callsFake(async (input: Record<string, unknown>, getClient) => {
        const failure = this.failure(command.name);
        if (failure) throw failure;
        return answer(input, await getClient().config.region());
      });
    };
    on(DescribeFileSystemsCommand, (input, region) => {
      const id = String(input.FileSystemId);
      const fs = this.fileSystems.get(id);
      if (!fs || fs.region !== region) throw awsError('FileSystemNotFound', { status: 404, requestId: 'req-fs-404' });
      return {
        FileSystems: [
          {
            FileSystemId: id,
            LifeCycleState: fs.lifeCycleState ?? 'available',
            FileSystemProtection: { ReplicationOverwriteProtection: fs.protection ?? 'ENABLED' },
            ...(fs.availabilityZoneName ? { AvailabilityZoneName: fs.availabilityZoneName } : {}),
          },
        ],
      };
    });
    on(DescribeReplicationConfigurationsCommand, (input, region) => {
      const id = String(input.FileSystemId);
      const listed = this.replications.filter((r) => (r.listedIn ?? [r.sourceRegion, r.destinationRegion]).includes(region) && (r.sourceId === id || r.destinationId === id));
      if (listed.length === 0) throw awsError('ReplicationNotFound', { status: 404, requestId: 'req-repl-404' });
      return {
        Replications: listed.map((r) => ({
          SourceFileSystemId: r.sourceId,
          SourceFileSystemRegion: r.sourceRegion,
          SourceFileSystemArn: `arn:aws:elasticfilesystem:${r.sourceRegion}:111111111111:file-system/${r.sourceId}`,
          OriginalSourceFileSystemArn: `arn:aws:elasticfilesystem:${r.sourceRegion}:111111111111:file-system/${r.sourceId}`,
          CreationTime: new Date(0),
          Destinations: [
            {
              FileSystemId: r.destinationId,
              Region: r.destinationRegion,
              Status: r.status,
              ...(r.lastReplicatedAt ? { LastReplicatedTimestamp: r.lastReplicatedAt } : {}),
              ...(r.statusMessage ? { StatusMessage: r.statusMessage } : {}),
            },
          ],
        })),
      };
    });
    on(DescribeMountTargetsCommand, (input) => {
      const fs = this.fileSystems.get(String(input.FileSystemId));
      return { MountTargets: (fs?.mountTargets ?? []).map((m, i) => ({ MountTargetId: `fsmt-0000000${i}`, FileSystemId: input.FileSystemId, SubnetId: `subnet-${i}`, LifeCycleState: m.state ?? 'available', AvailabilityZoneName: m.az })) };
    });
    on(DeleteReplicationConfigurationCommand, () => ({ $metadata: { httpStatusCode: 204 } }));
    on(CreateReplicationConfigurationCommand, () => ({}));
    on(UpdateFileSystemProtectionCommand, (input) => ({ ReplicationOverwriteProtection: input.ReplicationOverwriteProtection }));
  }
}

export function replication(direction: 'primary-to-secondary' | 'secondary-to-primary', status: string, lastReplicatedAt?: Date, extra: Partial<ReplicationState> = {}): ReplicationState {
  const forward = direction === 'primary-to-secondary';
  return {
    sourceId: forward ? EFS_PRIMARY_ID : EFS_SECONDARY_ID,
    sourceRegion: forward ? PRIMARY_REGION : SECONDARY_REGION,
    destinationId: forward ? EFS_SECONDARY_ID : EFS_PRIMARY_ID,
    destinationRegion: forward ? SECONDARY_REGION : PRIMARY_REGION,
    status,
    ...(lastReplicatedAt ? { lastReplicatedAt } : {}),
    ...extra,
  };
}

export { CreateReplicationConfigurationCommand, DeleteReplicationConfigurationCommand, UpdateFileSystemProtectionCommand, DescribeReplicationConfigurationsCommand };
