/**
 * fsx.ensure-filesystem: the side's Lustre file system exists and is AVAILABLE.
 *
 * A declared file system is only checked. A pilot-light side (`create:` instead of `fileSystemId`) is created
 * at recovery time with a deterministic ClientRequestToken and drctl:* tags, and remembered: a retried or resumed
 * create returns the same file system (same token), and a lost memory finds it again by its tags, so one run
 * never makes two.
 */
import { z } from 'zod';
import type { CreateFileSystemCommandInput, FileSystem } from '@aws-sdk/client-fsx';
import { StepError } from '../errors.js';
import type { LustreSide } from '../runbook/resources/fsx-lustre.js';
import type { Side } from '../runbook/schema.js';
import type { Decision, StepContext, StepKind } from './types.js';
import type { SideTarget } from './s3-common.js';
import {
  describeFileSystem,
  draSupportProblem,
  drctlTags,
  fileSystemArn,
  findTaggedFileSystem,
  fsLabel,
  isPilotLight,
  lustreSide,
  readPilotLight,
  rememberPilotLight,
} from './fsx-common.js';
import { planCall, sideSchema } from './s3-plan.js';

const params = z
  .object({
    side: sideSchema.default('secondary').describe('Which side\'s file system. Default secondary (the DR side).'),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Observed {
  target: SideTarget;
  spec: LustreSide;
  fs: FileSystem | undefined;
  /** How the file system was found: the runbook's id, drctl's memory, or its drctl:* tags. */
  foundBy: 'declared' | 'memory' | 'tags' | 'none';
}

/** The CreateFileSystem request for a pilot-light side. Pure, so plans show exactly what apply sends. */
export function planCreateFileSystem(ctx: Pick<StepContext, 'runbook' | 'resourceName' | 'runId'>, spec: LustreSide, side: Side, token: string): CreateFileSystemCommandInput {
  const create = spec.create;
  if (!create) throw new StepError('internal-error', 'planCreateFileSystem called for a side without create parameters');
  const persistent = create.deploymentType.startsWith('PERSISTENT');
  const userTags = Object.entries(create.tags).map(([Key, Value]) => ({ Key, Value }));
  const nameTag = create.tags.Name ? [] : [{ Key: 'Name', Value: `${ctx.resourceName}-${side}` }];
  return {
    ClientRequestToken: token,
    FileSystemType: 'LUSTRE',
    FileSystemTypeVersion: create.fileSystemTypeVersion,
    StorageCapacity: create.storageCapacity,
    StorageType: 'SSD',
    SubnetIds: [create.subnetId],
    SecurityGroupIds: create.securityGroupIds,
    ...(create.kmsKeyId ? { KmsKeyId: create.kmsKeyId } : {}),
    Tags: [...nameTag, ...userTags, ...drctlTags(ctx, side)],
    LustreConfiguration: {
      DeploymentType: create.deploymentType,
      ...(persistent ? { PerUnitStorageThroughput: create.perUnitStorageThroughput } : {}),
      ...(create.dataCompressionType ? { DataCompressionType: create.dataCompressionType } : {}),
    },
  };
}

async function observe(ctx: StepContext, p: Params): Promise<Observed> {
  const spec = lustreSide(ctx.resource, p.side);
  const target = ctx.target(p.side);
  if (spec.fileSystemId) return { target, spec, fs: await describeFileSystem(ctx, target, spec.fileSystemId), foundBy: 'declared' };
  const remembered = readPilotLight(ctx, p.side);
  if (remembered) {
    const fs = await describeFileSystem(ctx, target, remembered.fileSystemId);
    if (fs) return { target, spec, fs, foundBy: 'memory' };
  }
  const tagged = await findTaggedFileSystem(ctx, target, p.side);
  return { target, spec, fs: tagged, foundBy: tagged ? 'tags' : 'none' };
}

function decide(obs: Observed, p: Params, ctx: StepContext): Decision {
  const { fs, spec, target } = obs;
  const pilot = isPilotLight(spec);
  if (!fs) {
    if (!pilot) {
      return {
        state: 'blocked',
        reason: `FSx file system ${spec.fileSystemId} was not found in ${target.account} (${target.accountId}) ${target.region}`,
        hint: `Check ${p.side}.fileSystemId, account and region in the runbook (aws fsx describe-file-systems --region ${target.region}).`,
      };
    }
    return {
      state: 'apply',
      phase: 'create',
      reason: `create the pilot-light Lustre file system in ${target.account} (${target.accountId}) ${target.region}`,
      calls: [planCall('fsx', 'CreateFileSystem', target, { ...planCreateFileSystem(ctx, spec, p.side, ctx.token('filesystem', 63)) }, [fileSystemArn(target, undefined)])],
    };
  }
  const id = fs.FileSystemId;
  const label = fsLabel(id, target);
  if (fs.FileSystemType && fs.FileSystemType !== 'LUSTRE') {
    return { state: 'blocked', reason: `${label} is an FSx for ${fs.FileSystemType} file system, not Lustre`, hint: `Set ${p.side}.fileSystemId to the Lustre file system.` };
  }
  switch (fs.Lifecycle) {
    case 'AVAILABLE': {
      const unsupported = draSupportProblem(fs);
      if (unsupported) {
        return { state: 'blocked', reason: `${label} cannot be linked to S3: ${unsupported}`, hint: 'Use a PERSISTENT_1, PERSISTENT_2 or SCRATCH_2 file system on Lustre 2.12 or 2.15.' };
      }
      return {
        state: 'done',
        reason: `${label} is AVAILABLE${pilot ? ` (pilot light, found by ${obs.foundBy})` : ''}`,
        outputs: { fileSystemId: id ?? null, dnsName: fs.DNSName ?? null, mountName: fs.LustreConfiguration?.MountName ?? null, pilotLight: pilot },
      };
    }
    case 'CREATING':
    case 'UPDATING': {
      const since = fs.CreationTime ? ` (created ${fs.CreationTime.toISOString()})` : '';
      return { state: 'waiting', reason: `${label} is ${fs.Lifecycle}${since}; Lustre creation usually takes 5 to 15 minutes` };
    }
    case 'DELETING':
      if (pilot) return { state: 'waiting', reason: `${label} is being deleted; drctl creates a new pilot-light file system once it is gone` };
      return { state: 'blocked', reason: `${label} is being DELETED`, hint: 'Point the runbook at the file system that replaces it.' };
    case 'FAILED':
      throw new StepError('filesystem-failed', `${ctx.stepKey}: ${label} is FAILED${fs.FailureDetails?.Message ? `: ${fs.FailureDetails.Message}` : ''}`, {
        hint: pilot
          ? `Check the create parameters (subnet, security groups, capacity). Delete it (aws fsx delete-file-system --file-system-id ${id} --region ${target.region}), then re-run with --new-run so drctl creates a new one.`
          : 'The file system cannot recover; replace it and update the runbook.',
      });
    default:
      return {
        state: 'blocked',
        reason: `${label} is ${fs.Lifecycle ?? 'in an unknown state'}${fs.FailureDetails?.Message ? `: ${fs.FailureDetails.Message}` : ''}`,
        hint: 'Fix the file system (MISCONFIGURED usually means network or directory settings), then re-run.',
      };
  }
}

async function apply(ctx: StepContext, p: Params, obs: Observed): Promise<{ fileSystemId: string } | void> {
  const input = planCreateFileSystem(ctx, obs.spec, p.side, ctx.token('filesystem', 63));
  const out = await ctx.aws.call(obs.target, 'fsx', 'CreateFileSystem', input);
  const id = out.FileSystem?.FileSystemId;
  if (!id) throw new StepError('filesystem-create-unanswered', `${ctx.stepKey}: CreateFileSystem answered without a file system id`, { hint: 'Re-run: the same request token returns the same file system.' });
  rememberPilotLight(ctx, p.side, { fileSystemId: id, createdAt: new Date(ctx.clock.now()).toISOString(), runId: ctx.runId });
  ctx.note(`created pilot-light file system ${id} in ${obs.target.account} (${obs.target.accountId}) ${obs.target.region}`);
  return { fileSystemId: id };
}

export const fsxEnsureFilesystem: StepKind<Params, Observed> = {
  kind: 'fsx.ensure-filesystem',
  summary: 'Ensures the side\'s Lustre file system is AVAILABLE, creating a pilot-light one (deterministic token, drctl tags) when declared with `create`.',
  appliesTo: ['fsx-lustre'],
  params,
  describe(p, ctx) {
    const spec = lustreSide(ctx.resource, p.side);
    return spec.fileSystemId ? `check ${p.side} Lustre ${spec.fileSystemId} is AVAILABLE` : `ensure the ${p.side} pilot-light Lustre file system exists (create it if needed)`;
  },
  calls(p, ctx) {
    const spec = lustreSide(ctx.resource, p.side);
    const t = ctx.target(p.side);
    const calls = [planCall('fsx', 'DescribeFileSystems', t, { FileSystemIds: [spec.fileSystemId ?? '(remembered or tagged)'] }, [fileSystemArn(t, spec.fileSystemId)])];
    if (isPilotLight(spec)) calls.push(planCall('fsx', 'CreateFileSystem', t, { DeploymentType: spec.create?.deploymentType, StorageCapacity: spec.create?.storageCapacity }, [fileSystemArn(t, undefined)], 'pilot light: once'));
    return calls;
  },
  sides: (p) => [p.side],
  observe,
  decide,
  apply,
  wait: { timeoutMs: 45 * 60_000, pollMs: 30_000 },
};
