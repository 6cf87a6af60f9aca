/**
 * fsx.verify: the side is ready for clients — its Lustre file system is AVAILABLE and every declared association
 * is AVAILABLE with the declared policies. Read-only; the outputs (file system id, DNS name, mount name) feed
 * the exec step that switches clients, and the recovery point accepted at failover is reported.
 */
import { z } from 'zod';
import type { DataRepositoryAssociation, FileSystem } from '@aws-sdk/client-fsx';
import type { Decision, StepContext, StepKind } from './types.js';
import type { SideTarget } from './s3-common.js';
import { where } from './s3-common.js';
import {
  declaredAssociations,
  describeAssociations,
  describeFileSystem,
  fileSystemArn,
  fileSystemIdOf,
  fsLabel,
  lustreSide,
  matchingAssociation,
  plannedFileSystemId,
} from './fsx-common.js';
import { currentMemory } from './s3-memory.js';
import { planCall, sideSchema } from './s3-plan.js';

const params = z
  .object({
    side: sideSchema.default('secondary').describe('Which side to verify. Default secondary.'),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Observed {
  target: SideTarget;
  fileSystemId: string | undefined;
  fs: FileSystem | undefined;
  associations: DataRepositoryAssociation[];
}

const TRANSIENT = new Set(['CREATING', 'UPDATING']);

export const fsxVerify: StepKind<Params, Observed> = {
  kind: 'fsx.verify',
  summary: 'Verifies the side\'s Lustre file system and its associations are AVAILABLE as declared; outputs what clients need to mount it.',
  appliesTo: ['fsx-lustre'],
  params,
  describe: (p, ctx) => `verify ${p.side} Lustre ${plannedFileSystemId(ctx, p.side)} and its associations are AVAILABLE`,
  calls(p, ctx) {
    const t = ctx.target(p.side);
    const fsId = plannedFileSystemId(ctx, p.side);
    return [
      planCall('fsx', 'DescribeFileSystems', t, { FileSystemIds: [fsId] }, [fileSystemArn(t, lustreSide(ctx.resource, p.side).fileSystemId)]),
      planCall('fsx', 'DescribeDataRepositoryAssociations', t, { FileSystemId: fsId }, ['*']),
    ];
  },
  sides: (p) => [p.side],
  async observe(ctx: StepContext, p: Params): Promise<Observed> {
    const target = ctx.target(p.side);
    const fileSystemId = fileSystemIdOf(ctx, p.side);
    const fs = fileSystemId ? await describeFileSystem(ctx, target, fileSystemId) : undefined;
    const associations = fs && fileSystemId ? await describeAssociations(ctx, target, fileSystemId) : [];
    return { target, fileSystemId, fs, associations };
  },
  decide(obs, p, ctx): Decision {
    const label = fsLabel(obs.fileSystemId, obs.target);
    if (!obs.fs) {
      return { state: 'blocked', reason: `the ${p.side} Lustre file system ${obs.fileSystemId ?? '(pilot light)'} does not exist in ${where(obs.target)}`, hint: 'Run the failover (or failback) procedure up to this step first.' };
    }
    if (TRANSIENT.has(obs.fs.Lifecycle ?? '')) return { state: 'waiting', reason: `${label} is ${obs.fs.Lifecycle}` };
    const problems: string[] = [];
    if (obs.fs.Lifecycle !== 'AVAILABLE') problems.push(`file system is ${obs.fs.Lifecycle}`);
    for (const assoc of declaredAssociations(lustreSide(ctx.resource, p.side), undefined)) {
      const dra = matchingAssociation(obs.associations, assoc);
      if (!dra) {
        problems.push(`no association for ${assoc.fileSystemPath}`);
        continue;
      }
      if (TRANSIENT.has(dra.Lifecycle ?? '')) return { state: 'waiting', reason: `association ${dra.AssociationId} (${assoc.fileSystemPath}) on ${label} is ${dra.Lifecycle}` };
      if (dra.Lifecycle !== 'AVAILABLE') problems.push(`association ${dra.AssociationId} (${assoc.fileSystemPath}) is ${dra.Lifecycle}${dra.FailureDetails?.Message ? `: ${dra.FailureDetails.Message}` : ''}`);
    }
    if (problems.length > 0) {
      return { state: 'blocked', reason: `${label} is not ready: ${problems.join('; ')}`, hint: `Run fsx.ensure-filesystem and fsx.ensure-association for the ${p.side} side (re-running the procedure does), then verify again.` };
    }
    const memory = currentMemory(ctx);
    const rpo = memory.primaryUnavailableAtFailover && memory.lastFailoverRunId === ctx.runId ? `; recovery point accepted: ${memory.rpoPointAt ?? 'unknown'}` : '';
    return {
      state: 'done',
      reason: `${label} and ${obs.associations.length} association(s) are AVAILABLE${rpo}`,
      outputs: {
        fileSystemId: obs.fileSystemId ?? null,
        dnsName: obs.fs.DNSName ?? null,
        mountName: obs.fs.LustreConfiguration?.MountName ?? null,
        rpoPointAt: typeof memory.rpoPointAt === 'string' && memory.lastFailoverRunId === ctx.runId ? memory.rpoPointAt : null,
      },
    };
  },
  async apply() {
    // Read-only: decide never asks to act.
  },
  wait: { timeoutMs: 15 * 60_000, pollMs: 15_000 },
};
