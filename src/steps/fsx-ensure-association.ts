/**
 * fsx.ensure-association: every declared data repository association (DRA) of a side exists, is AVAILABLE and
 * has the declared auto-import/export policies.
 *
 * One change at a time (FSx processes one DRA request per file system anyway): create a missing DRA
 * (deterministic ClientRequestToken), delete and re-create a FAILED one (keeping the data on Lustre), nudge a
 * MISCONFIGURED one with an update once its cause is fixed, update differing policies. Checks AWS only enforces
 * later are made first: the bucket is where declared, auto-import only from a bucket in the file system's
 * region, no overlapping paths, at most 8 DRAs.
 */
import { z } from 'zod';
import type { DataRepositoryAssociation, FileSystem, S3DataRepositoryConfiguration } from '@aws-sdk/client-fsx';
import { StepError } from '../errors.js';
import type { LustreAssociation } from '../runbook/resources/fsx-lustre.js';
import type { Decision, StepContext, StepKind } from './types.js';
import type { BucketRef, SideTarget } from './s3-common.js';
import { appliedCount, lastApplied, normalizeFsPath, pathSlug, where } from './s3-common.js';
import type { BucketLocation } from './s3-buckets.js';
import { bucketLocationProblem, readBucketLocation } from './s3-buckets.js';
import {
  associationArn,
  dataRepositoryPath,
  declaredAssociations,
  describeAssociations,
  describeFileSystem,
  draSupportProblem,
  drctlTags,
  fileSystemArn,
  fileSystemIdOf,
  fsLabel,
  fsPathsOverlap,
  lustreSide,
  matchingAssociation,
  plannedFileSystemId,
  repositoryPathsOverlap,
  sameDataRepositoryPath,
} from './fsx-common.js';
import { planBucketCall, planCall, sideSchema } from './s3-plan.js';

const params = z
  .object({
    side: sideSchema.default('secondary').describe('Which side\'s associations. Default secondary.'),
    paths: z.array(z.string().startsWith('/')).optional().describe('Only these file system paths. Default: every declared association of the side.'),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Wanted {
  assoc: LustreAssociation;
  bucket: BucketRef;
  location: BucketLocation;
}

interface Observed {
  target: SideTarget;
  fileSystemId: string | undefined;
  fs: FileSystem | undefined;
  existing: DataRepositoryAssociation[];
  wanted: Wanted[];
}

const MAX_ASSOCIATIONS = 8;
const UPDATE_SETTLE_MS = 60_000;
/** FSx returns a repaired DRA to AVAILABLE within 15 minutes of the fix. */
const REPAIR_GRACE_MS = 15 * 60_000;
const MAX_RECREATES = 2;

function policiesOf(assoc: LustreAssociation): S3DataRepositoryConfiguration {
  return { AutoImportPolicy: { Events: [...assoc.autoImport] }, AutoExportPolicy: { Events: [...assoc.autoExport] } };
}

function sameEvents(actual: string[] | undefined, wanted: string[]): boolean {
  const a = new Set(actual ?? []);
  return a.size === wanted.length && wanted.every((e) => a.has(e));
}

function policyDiff(dra: DataRepositoryAssociation, assoc: LustreAssociation): string[] {
  const diffs: string[] = [];
  const imports = dra.S3?.AutoImportPolicy?.Events;
  const exports = dra.S3?.AutoExportPolicy?.Events;
  if (!sameEvents(imports, assoc.autoImport)) diffs.push(`auto-import [${(imports ?? []).join(',')}] → [${assoc.autoImport.join(',')}]`);
  if (!sameEvents(exports, assoc.autoExport)) diffs.push(`auto-export [${(exports ?? []).join(',')}] → [${assoc.autoExport.join(',')}]`);
  return diffs;
}

async function observe(ctx: StepContext, p: Params): Promise<Observed> {
  const spec = lustreSide(ctx.resource, p.side);
  const target = ctx.target(p.side);
  const wanted: Wanted[] = [];
  for (const assoc of declaredAssociations(spec, p.paths)) {
    const bucket: BucketRef = { side: p.side, account: target.account, accountId: target.accountId, region: assoc.region ?? target.region, bucket: assoc.bucket, prefix: assoc.prefix };
    wanted.push({ assoc, bucket, location: await readBucketLocation(ctx, bucket) });
  }
  const fileSystemId = fileSystemIdOf(ctx, p.side);
  const fs = fileSystemId ? await describeFileSystem(ctx, target, fileSystemId) : undefined;
  const existing = fs && fileSystemId ? await describeAssociations(ctx, target, fileSystemId) : [];
  return { target, fileSystemId, fs, existing, wanted };
}

function phaseOf(action: string, path: string, n: number): string {
  return `${action}:${normalizeFsPath(path)}#${n}`;
}

function decideOne(w: Wanted, obs: Observed, ctx: StepContext): Decision | undefined {
  const { assoc } = w;
  const path = normalizeFsPath(assoc.fileSystemPath);
  const repoPath = dataRepositoryPath(assoc);
  const label = fsLabel(obs.fileSystemId, obs.target);
  const locationProblem = bucketLocationProblem(w.bucket, w.location);
  if (locationProblem) return { state: 'blocked', ...locationProblem };
  if (assoc.autoImport.length > 0 && w.bucket.region !== obs.target.region) {
    return {
      state: 'blocked',
      reason: `${path} auto-imports from ${w.bucket.bucket} in ${w.bucket.region}, but ${label} is in ${obs.target.region}; FSx auto-import needs the bucket in the file system's region`,
      hint: 'Link a bucket in the same region (replicate into it), or set autoImport: [] for this association (auto-export works across regions).',
    };
  }
  const deletes = appliedCount(ctx.applied, `delete:${path}#`);
  const dra = matchingAssociation(obs.existing, assoc);
  if (!dra) {
    const live = obs.existing.filter((d) => d.Lifecycle !== 'DELETING');
    const overlapping = live.filter((d) => fsPathsOverlap(d.FileSystemPath ?? '', path) || repositoryPathsOverlap(d.DataRepositoryPath ?? '', repoPath));
    if (overlapping.length > 0) {
      const list = overlapping.map((d) => `${d.AssociationId} (${d.FileSystemPath} ↔ ${d.DataRepositoryPath})`).join(', ');
      return {
        state: 'blocked',
        reason: `cannot link ${path} ↔ ${repoPath} on ${label}: it overlaps ${list}, and FSx rejects overlapping paths`,
        hint: 'Remove the overlapping association (fsx.remove-association, or aws fsx delete-data-repository-association), or change the runbook\'s paths.',
      };
    }
    if (live.length >= MAX_ASSOCIATIONS) {
      return { state: 'blocked', reason: `${label} already has ${live.length} data repository associations, the most FSx allows`, hint: 'Remove an association you no longer need, then re-run.' };
    }
    const phase = phaseOf('create', path, deletes);
    if (ctx.applied.some((a) => a.phase === phase)) return { state: 'waiting', reason: `creation of the association ${path} ↔ ${repoPath} was requested; waiting for FSx to list it` };
    return {
      state: 'apply',
      phase,
      reason: `link ${path} ↔ ${repoPath} on ${label}`,
      calls: [planCall('fsx', 'CreateDataRepositoryAssociation', obs.target, { FileSystemId: obs.fileSystemId, FileSystemPath: path, DataRepositoryPath: repoPath, S3: policiesOf(assoc) }, [fileSystemArn(obs.target, obs.fileSystemId), associationArn(obs.target, obs.fileSystemId)])],
    };
  }
  const id = dra.AssociationId ?? '?';
  const deleteDecision = (why: string): Decision => ({
    state: 'apply',
    phase: phaseOf('delete', path, deletes + 1),
    reason: `${why}; delete it (the data on Lustre is kept) and create it again`,
    calls: [planCall('fsx', 'DeleteDataRepositoryAssociation', obs.target, { AssociationId: id, DeleteDataInFileSystem: false }, [associationArn(obs.target, obs.fileSystemId)])],
  });
  if (!sameDataRepositoryPath(dra.DataRepositoryPath, repoPath)) {
    if (ctx.flags.force) return deleteDecision(`association ${id} links ${path} to ${dra.DataRepositoryPath}, not ${repoPath} (--force)`);
    return {
      state: 'blocked',
      reason: `association ${id} on ${label} links ${path} to ${dra.DataRepositoryPath}, but the runbook says ${repoPath}; FSx cannot change the paths of an association`,
      hint: `If the runbook is right, delete it (aws fsx delete-data-repository-association --association-id ${id} --no-delete-data-in-file-system --region ${obs.target.region}) or re-run with --force; otherwise fix the runbook.`,
    };
  }
  switch (dra.Lifecycle) {
    case 'CREATING': {
      const age = dra.CreationTime ? ctx.clock.now() - dra.CreationTime.getTime() : 0;
      const slow = age > 10 * 60_000 ? `; if it stays CREATING, check the bucket policy, its KMS key policy and the role AWSServiceRoleForFSxS3Access_${obs.fileSystemId}` : '';
      return { state: 'waiting', reason: `association ${id} (${path} ↔ ${repoPath}) on ${label} is CREATING for ${Math.round(age / 60_000)}m${slow}` };
    }
    case 'UPDATING':
    case 'DELETING':
      return { state: 'waiting', reason: `association ${id} (${path}) on ${label} is ${dra.Lifecycle}` };
    case 'FAILED': {
      const why = dra.FailureDetails?.Message ? `: ${dra.FailureDetails.Message}` : '';
      if (deletes >= MAX_RECREATES) {
        throw new StepError('association-failed', `${ctx.stepKey}: association ${path} ↔ ${repoPath} on ${label} FAILED again after ${deletes} re-creations${why}`, {
          hint: 'FAILED usually means the bucket or the directory is gone, or FSx cannot reach the bucket: fix that, then re-run.',
        });
      }
      return deleteDecision(`association ${id} (${path} ↔ ${repoPath}) is FAILED${why}`);
    }
    case 'MISCONFIGURED': {
      // One repair per attempt: after the operator fixed the cause, re-running the step nudges FSx again.
      const repairPhase = `repair:${path}#a${ctx.attempt}`;
      const last = lastApplied(ctx.applied, repairPhase);
      if (!last) {
        return {
          state: 'apply',
          phase: repairPhase,
          reason: `association ${id} (${path}) on ${label} is MISCONFIGURED: re-apply its policies so FSx re-checks it`,
          calls: [planCall('fsx', 'UpdateDataRepositoryAssociation', obs.target, { AssociationId: id, S3: policiesOf(assoc) }, [associationArn(obs.target, obs.fileSystemId)])],
        };
      }
      if (ctx.clock.now() - last.at < REPAIR_GRACE_MS) {
        return { state: 'waiting', reason: `association ${id} (${path}) on ${label} is still MISCONFIGURED after the repair; FSx re-checks within 15 minutes` };
      }
      return {
        state: 'blocked',
        reason: `association ${id} (${path} ↔ ${repoPath}) on ${label} stays MISCONFIGURED: auto-import/export are stopped`,
        hint: `Usual causes: FSx lacks access to ${w.bucket.bucket} (bucket policy, KMS key), the bucket's "FSx" event notification was changed or deleted, or another notification overlaps its events. Fix it, then re-run: drctl asks FSx to check the association again.`,
      };
    }
    default: {
      const diffs = policyDiff(dra, assoc);
      if (diffs.length === 0) return undefined;
      const updates = appliedCount(ctx.applied, `update:${path}#`);
      const last = lastApplied(ctx.applied, `update:${path}#`);
      if (last && ctx.clock.now() - last.at < UPDATE_SETTLE_MS) return { state: 'waiting', reason: `policies of association ${id} (${path}) were updated; waiting for FSx to show them` };
      if (updates >= 5) throw new StepError('association-not-updated', `${ctx.stepKey}: association ${id} (${path}) on ${label} still has ${diffs.join(', ')} after ${updates} updates`, { hint: 'Something else may be changing it; inspect with aws fsx describe-data-repository-associations.' });
      return {
        state: 'apply',
        phase: phaseOf('update', path, updates + 1),
        reason: `update association ${id} (${path}) on ${label}: ${diffs.join(', ')}`,
        calls: [planCall('fsx', 'UpdateDataRepositoryAssociation', obs.target, { AssociationId: id, S3: policiesOf(assoc) }, [associationArn(obs.target, obs.fileSystemId)])],
      };
    }
  }
}

function decide(obs: Observed, p: Params, ctx: StepContext): Decision {
  if (!obs.fileSystemId || !obs.fs) {
    return {
      state: 'blocked',
      reason: `the ${p.side} Lustre file system ${obs.fileSystemId ?? '(pilot light, not created yet)'} does not exist in ${where(obs.target)}`,
      hint: `Run an fsx.ensure-filesystem step for the ${p.side} side before this one (the standard procedure does).`,
    };
  }
  const label = fsLabel(obs.fileSystemId, obs.target);
  if (obs.fs.Lifecycle === 'CREATING' || obs.fs.Lifecycle === 'UPDATING') return { state: 'waiting', reason: `${label} is ${obs.fs.Lifecycle}` };
  if (obs.fs.Lifecycle !== 'AVAILABLE') return { state: 'blocked', reason: `${label} is ${obs.fs.Lifecycle ?? 'in an unknown state'}`, hint: 'Make the file system AVAILABLE (or replace it in the runbook), then re-run.' };
  const unsupported = draSupportProblem(obs.fs);
  if (unsupported) return { state: 'blocked', reason: `${label} cannot be linked to S3: ${unsupported}`, hint: 'Use a PERSISTENT_1, PERSISTENT_2 or SCRATCH_2 file system on Lustre 2.12 or 2.15.' };
  for (const w of obs.wanted) {
    const decision = decideOne(w, obs, ctx);
    if (decision) return decision;
  }
  const ids = obs.wanted.map((w) => matchingAssociation(obs.existing, w.assoc)?.AssociationId ?? '');
  return {
    state: 'done',
    reason: `${obs.wanted.length} association(s) AVAILABLE on ${label}: ${obs.wanted.map((w) => `${w.assoc.fileSystemPath} ↔ ${dataRepositoryPath(w.assoc)}`).join(', ')}`,
    outputs: { fileSystemId: obs.fileSystemId, associationIds: ids },
  };
}

async function apply(ctx: StepContext, p: Params, obs: Observed, phase: string): Promise<void> {
  const action = phase.slice(0, phase.indexOf(':'));
  const path = phase.slice(phase.indexOf(':') + 1, phase.lastIndexOf('#'));
  const n = phase.slice(phase.lastIndexOf('#') + 1);
  const w = obs.wanted.find((candidate) => normalizeFsPath(candidate.assoc.fileSystemPath) === path);
  if (!w || !obs.fileSystemId) throw new StepError('internal-error', `${ctx.stepKey}: nothing observed for phase ${phase}`);
  const slug = pathSlug(path);
  if (action === 'create') {
    const policies = policiesOf(w.assoc);
    await ctx.aws.call(obs.target, 'fsx', 'CreateDataRepositoryAssociation', {
      FileSystemId: obs.fileSystemId,
      FileSystemPath: path,
      DataRepositoryPath: dataRepositoryPath(w.assoc),
      BatchImportMetaDataOnCreate: false,
      S3: {
        ...(w.assoc.autoImport.length > 0 ? { AutoImportPolicy: policies.AutoImportPolicy } : {}),
        ...(w.assoc.autoExport.length > 0 ? { AutoExportPolicy: policies.AutoExportPolicy } : {}),
      },
      ClientRequestToken: ctx.token(`dra-${slug}-${n}`, 63),
      Tags: drctlTags(ctx, p.side),
    });
    return;
  }
  const dra = matchingAssociation(obs.existing, w.assoc);
  if (!dra?.AssociationId) throw new StepError('internal-error', `${ctx.stepKey}: no association observed for phase ${phase}`);
  if (action === 'delete') {
    await ctx.aws.call(obs.target, 'fsx', 'DeleteDataRepositoryAssociation', {
      AssociationId: dra.AssociationId,
      DeleteDataInFileSystem: false,
      ClientRequestToken: ctx.token(`dra-delete-${slug}-${n}`, 63),
    });
    return;
  }
  await ctx.aws.call(obs.target, 'fsx', 'UpdateDataRepositoryAssociation', {
    AssociationId: dra.AssociationId,
    S3: policiesOf(w.assoc),
    ClientRequestToken: ctx.token(`dra-${action}-${slug}-${n}`, 63),
  });
}

export const fsxEnsureAssociation: StepKind<Params, Observed> = {
  kind: 'fsx.ensure-association',
  summary: 'Ensures the side\'s data repository associations exist, are AVAILABLE and have the declared policies (creates, repairs FAILED/MISCONFIGURED, updates).',
  appliesTo: ['fsx-lustre'],
  params,
  describe(p, ctx) {
    const assocs = declaredAssociations(lustreSide(ctx.resource, p.side), p.paths);
    return `ensure ${p.side} associations ${assocs.map((a) => `${a.fileSystemPath} ↔ ${dataRepositoryPath(a)}`).join(', ')}`;
  },
  calls(p, ctx) {
    const t = ctx.target(p.side);
    const fsId = plannedFileSystemId(ctx, p.side);
    const declaredId = lustreSide(ctx.resource, p.side).fileSystemId;
    const buckets = declaredAssociations(lustreSide(ctx.resource, p.side), p.paths).map((a) =>
      planBucketCall({ side: p.side, account: t.account, accountId: t.accountId, region: a.region ?? t.region, bucket: a.bucket, prefix: a.prefix }, 'GetBucketLocation'),
    );
    const draArn = [associationArn(t, declaredId)];
    return [
      ...buckets,
      planCall('fsx', 'DescribeFileSystems', t, { FileSystemIds: [fsId] }, [fileSystemArn(t, declaredId)]),
      planCall('fsx', 'DescribeDataRepositoryAssociations', t, { FileSystemId: fsId }, ['*']),
      planCall('fsx', 'CreateDataRepositoryAssociation', t, { FileSystemId: fsId }, [fileSystemArn(t, declaredId), ...draArn], 'when an association is missing'),
      planCall('fsx', 'UpdateDataRepositoryAssociation', t, {}, draArn, 'when policies differ or the association is MISCONFIGURED'),
      planCall('fsx', 'DeleteDataRepositoryAssociation', t, { DeleteDataInFileSystem: false }, draArn, 'when the association is FAILED'),
    ];
  },
  sides: (p) => [p.side],
  observe,
  decide,
  apply,
  wait: { timeoutMs: 30 * 60_000, pollMs: 20_000 },
};
