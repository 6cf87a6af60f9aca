/**
 * fsx.remove-association: the side's declared data repository associations are gone (unlinking a file system
 * from its bucket, e.g. before retiring a DR file system). The data on Lustre is kept unless `deleteData` says
 * otherwise; the bucket is never touched.
 */
import { z } from 'zod';
import type { DataRepositoryAssociation } from '@aws-sdk/client-fsx';
import type { Decision, StepContext, StepKind } from './types.js';
import type { SideTarget } from './s3-common.js';
import { isAwsError, normalizeFsPath, pathSlug } from './s3-common.js';
import {
  associationArn,
  declaredAssociations,
  describeAssociations,
  fileSystemArn,
  fileSystemIdOf,
  fsLabel,
  lustreSide,
  matchingAssociation,
  plannedFileSystemId,
} from './fsx-common.js';
import { planCall, sideSchema } from './s3-plan.js';

const params = z
  .object({
    side: sideSchema.default('secondary').describe('Which side\'s associations. Default secondary.'),
    paths: z.array(z.string().startsWith('/')).optional().describe('Only these file system paths. Default: every declared association of the side.'),
    deleteData: z
      .boolean()
      .default(false)
      .describe('Also delete the linked directories\' data from Lustre (DeleteDataInFileSystem). Default false: only the link goes.'),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Observed {
  target: SideTarget;
  fileSystemId: string | undefined;
  /** Existing DRAs for the declared paths. */
  found: Array<{ path: string; dra: DataRepositoryAssociation }>;
}

export const fsxRemoveAssociation: StepKind<Params, Observed> = {
  kind: 'fsx.remove-association',
  summary: 'Removes the side\'s declared data repository associations (keeping the Lustre data unless deleteData).',
  appliesTo: ['fsx-lustre'],
  params,
  describe: (p, ctx) => `remove ${p.side} associations ${declaredAssociations(lustreSide(ctx.resource, p.side), p.paths).map((a) => a.fileSystemPath).join(', ')}${p.deleteData ? ' and their Lustre data' : ''}`,
  calls(p, ctx) {
    const t = ctx.target(p.side);
    const declaredId = lustreSide(ctx.resource, p.side).fileSystemId;
    return [
      planCall('fsx', 'DescribeDataRepositoryAssociations', t, { FileSystemId: plannedFileSystemId(ctx, p.side) }, ['*']),
      planCall('fsx', 'DeleteDataRepositoryAssociation', t, { DeleteDataInFileSystem: p.deleteData }, [associationArn(t, declaredId), fileSystemArn(t, declaredId)]),
    ];
  },
  sides: (p) => [p.side],
  async observe(ctx: StepContext, p: Params): Promise<Observed> {
    const target = ctx.target(p.side);
    const fileSystemId = fileSystemIdOf(ctx, p.side);
    if (!fileSystemId) return { target, fileSystemId, found: [] };
    let existing: DataRepositoryAssociation[];
    try {
      existing = await describeAssociations(ctx, target, fileSystemId);
    } catch (err) {
      if (isAwsError(err, 'FileSystemNotFound')) return { target, fileSystemId, found: [] };
      throw err;
    }
    const found = declaredAssociations(lustreSide(ctx.resource, p.side), p.paths).flatMap((assoc) => {
      const dra = matchingAssociation(existing, assoc);
      return dra ? [{ path: normalizeFsPath(assoc.fileSystemPath), dra }] : [];
    });
    return { target, fileSystemId, found };
  },
  decide(obs, p, ctx): Decision {
    const label = fsLabel(obs.fileSystemId, obs.target);
    for (const { path, dra } of obs.found) {
      if (dra.Lifecycle === 'DELETING') return { state: 'waiting', reason: `association ${dra.AssociationId} (${path}) on ${label} is DELETING` };
      const phase = `delete:${path}`;
      if (ctx.applied.some((a) => a.phase === phase)) return { state: 'waiting', reason: `deletion of association ${dra.AssociationId} (${path}) was requested; waiting for FSx` };
      return {
        state: 'apply',
        phase,
        reason: `unlink ${path} from ${dra.DataRepositoryPath} on ${label}${p.deleteData ? ', deleting its data on Lustre' : ' (the data on Lustre is kept)'}`,
        calls: [planCall('fsx', 'DeleteDataRepositoryAssociation', obs.target, { AssociationId: dra.AssociationId, DeleteDataInFileSystem: p.deleteData }, [associationArn(obs.target, obs.fileSystemId)])],
      };
    }
    return { state: 'done', reason: `no declared association left on ${label}` };
  },
  async apply(ctx, p, obs, phase) {
    const found = obs.found.find((f) => `delete:${f.path}` === phase);
    if (!found?.dra.AssociationId) return;
    await ctx.aws.call(obs.target, 'fsx', 'DeleteDataRepositoryAssociation', {
      AssociationId: found.dra.AssociationId,
      DeleteDataInFileSystem: p.deleteData,
      ClientRequestToken: ctx.token(`dra-remove-${pathSlug(found.path)}`, 63),
    });
  },
  wait: { timeoutMs: 30 * 60_000, pollMs: 20_000 },
};
