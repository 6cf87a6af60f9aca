/**
 * fsx.delete-filesystem: deletes the pilot-light Lustre file system drctl created for the side (opt-in with
 * `create.deleteOnFailback`, behind a destructive approval in the standard failback). It refuses any file
 * system the runbook declares by id, and any without drctl's tags for this resource: drctl only deletes what
 * it created. Waits for running data repository tasks first (FSx refuses a delete while one runs), skips the
 * final backup (S3-linked file systems have none), and waits until FSx no longer lists it.
 */
import { z } from 'zod';
import type { DataRepositoryTask, FileSystem } from '@aws-sdk/client-fsx';
import type { Decision, StepContext, StepKind } from './types.js';
import type { SideTarget } from './s3-common.js';
import { where } from './s3-common.js';
import { describeFileSystem, fileSystemArn, findTaggedFileSystem, fsLabel, isPilotLight, lustreSide, readPilotLight, tagValue } from './fsx-common.js';
import { planCall, sideSchema } from './s3-plan.js';

const params = z
  .object({
    side: sideSchema.default('secondary').describe('The pilot-light side. Default secondary.'),
  })
  .strict();
type Params = z.infer<typeof params>;

interface Observed {
  target: SideTarget;
  declaredId: string | undefined;
  fs: FileSystem | undefined;
  running: DataRepositoryTask[];
}

export const fsxDeleteFilesystem: StepKind<Params, Observed> = {
  kind: 'fsx.delete-filesystem',
  summary: 'Deletes the pilot-light Lustre file system drctl created (never a declared one); waits for running tasks first.',
  appliesTo: ['fsx-lustre'],
  params,
  describe: (p) => `delete the ${p.side} pilot-light Lustre file system drctl created`,
  calls(p, ctx) {
    const t = ctx.target(p.side);
    return [
      planCall('fsx', 'DescribeFileSystems', t, {}, [fileSystemArn(t, undefined)]),
      planCall('fsx', 'DescribeDataRepositoryTasks', t, {}, ['*']),
      planCall('fsx', 'DeleteFileSystem', t, { LustreConfiguration: { SkipFinalBackup: true } }, [fileSystemArn(t, undefined)], 'pilot light only'),
    ];
  },
  sides: (p) => [p.side],
  async observe(ctx: StepContext, p: Params): Promise<Observed> {
    const target = ctx.target(p.side);
    const declaredId = lustreSide(ctx.resource, p.side).fileSystemId;
    if (declaredId) return { target, declaredId, fs: undefined, running: [] };
    const remembered = readPilotLight(ctx, p.side);
    const fs = (remembered ? await describeFileSystem(ctx, target, remembered.fileSystemId) : undefined) ?? (await findTaggedFileSystem(ctx, target, p.side));
    if (!fs?.FileSystemId) return { target, declaredId, fs, running: [] };
    const tasks = await ctx.aws.call(target, 'fsx', 'DescribeDataRepositoryTasks', {
      Filters: [
        { Name: 'file-system-id', Values: [fs.FileSystemId] },
        { Name: 'task-lifecycle', Values: ['PENDING', 'EXECUTING'] },
      ],
    });
    return { target, declaredId, fs, running: tasks.DataRepositoryTasks ?? [] };
  },
  decide(obs, p, ctx): Decision {
    if (obs.declaredId || !isPilotLight(lustreSide(ctx.resource, p.side))) {
      return {
        state: 'blocked',
        reason: `refusing to delete ${obs.declaredId ?? `the ${p.side} file system`}: the runbook declares it, it is not a pilot light drctl created`,
        hint: 'Remove this step from the procedure; delete declared file systems yourself if you mean to.',
      };
    }
    const fs = obs.fs;
    if (!fs) return { state: 'done', reason: `no pilot-light file system for ${ctx.resourceName} (${p.side}) exists in ${where(obs.target)}` };
    const label = fsLabel(fs.FileSystemId, obs.target);
    if (tagValue(fs.Tags, 'drctl:resource') !== ctx.resourceName) {
      return { state: 'blocked', reason: `${label} does not carry drctl's tag drctl:resource=${ctx.resourceName}; drctl only deletes what it created`, hint: 'Delete it yourself if it should go.' };
    }
    if (fs.Lifecycle === 'DELETING') return { state: 'waiting', reason: `${label} is DELETING` };
    const busy = obs.running[0];
    if (busy) return { state: 'waiting', reason: `task ${busy.TaskId} (${busy.Type}) is ${busy.Lifecycle} on ${label}; FSx refuses to delete a file system while a task runs` };
    if (ctx.applied.some((a) => a.phase === 'delete')) return { state: 'waiting', reason: `deletion of ${label} was requested; waiting for FSx` };
    return {
      state: 'apply',
      phase: 'delete',
      reason: `delete the pilot-light file system ${label} (no final backup: S3 holds the data)`,
      calls: [planCall('fsx', 'DeleteFileSystem', obs.target, { FileSystemId: fs.FileSystemId, LustreConfiguration: { SkipFinalBackup: true } }, [fileSystemArn(obs.target, fs.FileSystemId)])],
    };
  },
  async apply(ctx, _p, obs) {
    const id = obs.fs?.FileSystemId;
    if (!id) return;
    await ctx.aws.call(obs.target, 'fsx', 'DeleteFileSystem', {
      FileSystemId: id,
      ClientRequestToken: ctx.token('delete-filesystem', 63),
      LustreConfiguration: { SkipFinalBackup: true },
    });
    ctx.note(`deletion of pilot-light file system ${id} requested`);
  },
  wait: { timeoutMs: 30 * 60_000, pollMs: 30_000 },
};
