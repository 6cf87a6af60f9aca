/**
 * The machinery shared by the data repository task kinds (fsx.export, fsx.import, fsx.release): start one task
 * per step and run, find it again after an interruption, wait for it, and turn a FAILED task into an error that
 * names its report.
 *
 * FSx runs one task at a time and refuses an export while auto-export is busy (DataRepositoryTaskExecuting; it
 * is not documented whether a second task queues or is refused, so both are handled): the step waits for
 * running tasks, and retries a refused creation after a minute. The task's id is remembered; a creation whose
 * answer was lost is repeated with the same ClientRequestToken, which returns the same task. A task that failed
 * is replaced (new token) only on a later attempt, after the operator saw the failure.
 */
import { z } from 'zod';
import type { CreateDataRepositoryTaskCommandInput, DataRepositoryAssociation, DataRepositoryTask, DataRepositoryTaskType, FileSystem } from '@aws-sdk/client-fsx';
import { StepError } from '../errors.js';
import type { LustreAssociation } from '../runbook/resources/fsx-lustre.js';
import type { Decision, StepContext, StepKind } from './types.js';
import type { SideTarget } from './s3-common.js';
import { appliedCount, isAwsError, lastApplied, where } from './s3-common.js';
import {
  associationArn,
  dataRepositoryPath,
  declaredAssociations,
  describeAssociations,
  describeFileSystem,
  fileSystemArn,
  fileSystemIdOf,
  fsLabel,
  lustreSide,
  matchingAssociation,
  plannedFileSystemId,
  taskArn,
  tagValue,
} from './fsx-common.js';
import { readStartedJob, rememberStartedJob } from './s3-memory.js';
import type { StartedJob } from './s3-memory.js';
import { planCall, sideSchema } from './s3-plan.js';

/** Parameters every task kind has. */
export const taskParamsShape = {
  side: sideSchema.describe('Which side\'s file system.'),
  paths: z.array(z.string().startsWith('/')).optional().describe('Only the associations of these file system paths. Default: every declared association of the side.'),
  report: z.boolean().default(true).describe('Ask FSx for a report of the files that failed. Default true.'),
  reportPath: z
    .string()
    .startsWith('s3://')
    .optional()
    .describe('Where FSx writes the report (inside a linked repository). Default: `.drctl-reports` under the first association\'s bucket prefix.'),
};

export interface TaskParams {
  side: 'primary' | 'secondary';
  paths?: string[] | undefined;
  report: boolean;
  reportPath?: string | undefined;
}

export interface TaskKindSpec<P extends TaskParams> {
  kind: string;
  summary: string;
  type: DataRepositoryTaskType;
  /** Short name used in tokens and messages: export, import, release. */
  verb: string;
  params: z.ZodType<P>;
  /** The task's Paths for the selected associations (undefined: the whole file system). */
  taskPaths(assocs: LustreAssociation[]): string[] | undefined;
  /** Extra request members (e.g. ReleaseConfiguration). */
  extraInput?(p: P): Partial<CreateDataRepositoryTaskCommandInput>;
  wait: { timeoutMs: number; pollMs: number };
}

interface Observed {
  target: SideTarget;
  fileSystemId: string | undefined;
  fs: FileSystem | undefined;
  associations: DataRepositoryAssociation[];
  record: StartedJob | undefined;
  task: DataRepositoryTask | undefined;
  /** Other tasks PENDING or EXECUTING on the file system. */
  running: DataRepositoryTask[];
}

const RETRY_CREATE_AFTER_MS = 60_000;

/** "data" for /data: export and release paths are relative to the mount point; '/' is the whole file system. */
export function relativeFsPaths(assocs: LustreAssociation[]): string[] | undefined {
  const paths = assocs.map((a) => a.fileSystemPath.replace(/^\/+|\/+$/g, ''));
  return paths.includes('') ? undefined : paths;
}

export function defaultReportPath(assocs: LustreAssociation[]): string | undefined {
  const first = assocs[0];
  return first ? `${dataRepositoryPath(first)}.drctl-reports` : undefined;
}

async function describeTask(ctx: StepContext, t: SideTarget, id: string): Promise<DataRepositoryTask | undefined> {
  try {
    return (await ctx.aws.call(t, 'fsx', 'DescribeDataRepositoryTasks', { TaskIds: [id] })).DataRepositoryTasks?.[0];
  } catch (err) {
    if (isAwsError(err, 'DataRepositoryTaskNotFound')) return undefined;
    throw err;
  }
}

async function runningTasks(ctx: StepContext, t: SideTarget, fileSystemId: string): Promise<DataRepositoryTask[]> {
  const out = await ctx.aws.call(t, 'fsx', 'DescribeDataRepositoryTasks', {
    Filters: [
      { Name: 'file-system-id', Values: [fileSystemId] },
      { Name: 'task-lifecycle', Values: ['PENDING', 'EXECUTING'] },
    ],
  });
  return out.DataRepositoryTasks ?? [];
}

function isOurs(task: DataRepositoryTask, ctx: Pick<StepContext, 'runId' | 'stepKey'>): boolean {
  return tagValue(task.Tags, 'drctl:run') === ctx.runId && tagValue(task.Tags, 'drctl:step') === ctx.stepKey;
}

function counts(task: DataRepositoryTask): string {
  const s = task.Status;
  if (!s || s.TotalCount === undefined) return 'no counts yet';
  return `${s.SucceededCount ?? 0} of ${s.TotalCount} files done, ${s.FailedCount ?? 0} failed`;
}

export function makeTaskKind<P extends TaskParams>(spec: TaskKindSpec<P>): StepKind<P, Observed> {
  const selected = (ctx: Pick<StepContext, 'resource'>, p: P) => declaredAssociations(lustreSide(ctx.resource, p.side), p.paths);

  async function observe(ctx: StepContext, p: P): Promise<Observed> {
    const target = ctx.target(p.side);
    const fileSystemId = fileSystemIdOf(ctx, p.side);
    const record = readStartedJob(ctx);
    const empty: Observed = { target, fileSystemId, fs: undefined, associations: [], record, task: undefined, running: [] };
    if (!fileSystemId) return empty;
    const fs = await describeFileSystem(ctx, target, fileSystemId);
    if (!fs) return empty;
    const associations = await describeAssociations(ctx, target, fileSystemId);
    const rememberedId = record?.ids[fileSystemId];
    let task = rememberedId ? await describeTask(ctx, target, rememberedId) : undefined;
    const running = await runningTasks(ctx, target, fileSystemId);
    // A task started just before an interruption carries this run's and step's tags.
    task ??= running.find((candidate) => isOurs(candidate, ctx));
    return { target, fileSystemId, fs, associations, record, task, running: running.filter((r) => r.TaskId !== task?.TaskId) };
  }

  function createDecision(obs: Observed, p: P, ctx: StepContext, generation: number): Decision {
    const label = fsLabel(obs.fileSystemId, obs.target);
    const prefix = `create-g${generation}#`;
    const tries = appliedCount(ctx.applied, prefix);
    const last = lastApplied(ctx.applied, prefix);
    if (last && ctx.clock.now() - last.at < RETRY_CREATE_AFTER_MS) {
      return { state: 'waiting', reason: `FSx did not start the ${spec.verb} task on ${label} yet (a task or auto-export is running); trying again in a minute` };
    }
    const reason = `${spec.verb} ${selected(ctx, p).map((a) => `${a.fileSystemPath} ↔ ${dataRepositoryPath(a)}`).join(', ')} on ${label}${tries > 0 ? ` (try ${tries + 1})` : ''}`;
    return {
      state: 'apply',
      phase: `${prefix}${tries + 1}`,
      reason,
      calls: [planCall('fsx', 'CreateDataRepositoryTask', obs.target, { Type: spec.type, FileSystemId: obs.fileSystemId, Paths: spec.taskPaths(selected(ctx, p)) ?? '(whole file system)' }, [fileSystemArn(obs.target, obs.fileSystemId), taskArn(obs.target)])],
    };
  }

  function decide(obs: Observed, p: P, ctx: StepContext): Decision {
    const label = fsLabel(obs.fileSystemId, obs.target);
    if (!obs.fileSystemId || !obs.fs) {
      return {
        state: 'blocked',
        reason: `the ${p.side} Lustre file system ${obs.fileSystemId ?? '(pilot light, not created yet)'} does not exist in ${where(obs.target)}`,
        hint: `Run fsx.ensure-filesystem and fsx.ensure-association for the ${p.side} side before this step.`,
      };
    }
    if (obs.fs.Lifecycle === 'CREATING' || obs.fs.Lifecycle === 'UPDATING') return { state: 'waiting', reason: `${label} is ${obs.fs.Lifecycle}` };
    if (obs.fs.Lifecycle !== 'AVAILABLE') return { state: 'blocked', reason: `${label} is ${obs.fs.Lifecycle ?? 'in an unknown state'}; a ${spec.verb} task needs it AVAILABLE`, hint: 'Make the file system AVAILABLE, then re-run.' };
    for (const assoc of selected(ctx, p)) {
      const dra = matchingAssociation(obs.associations, assoc);
      if (!dra) {
        return { state: 'blocked', reason: `${label} has no data repository association for ${assoc.fileSystemPath}`, hint: `Run fsx.ensure-association for the ${p.side} side before this step.` };
      }
      if (dra.Lifecycle === 'CREATING' || dra.Lifecycle === 'UPDATING') return { state: 'waiting', reason: `association ${dra.AssociationId} (${assoc.fileSystemPath}) on ${label} is ${dra.Lifecycle}` };
      if (dra.Lifecycle === 'FAILED' || dra.Lifecycle === 'DELETING') {
        return { state: 'blocked', reason: `association ${dra.AssociationId} (${assoc.fileSystemPath}) on ${label} is ${dra.Lifecycle}`, hint: `Run fsx.ensure-association for the ${p.side} side to repair it, then re-run.` };
      }
    }
    const generation = obs.record?.generation ?? 1;
    const task = obs.task;
    if (!task) {
      const busy = obs.running[0];
      if (busy) return { state: 'waiting', reason: `task ${busy.TaskId} (${busy.Type}) is ${busy.Lifecycle} on ${label}: FSx runs one at a time (${counts(busy)})` };
      return createDecision(obs, p, ctx, generation);
    }
    const id = task.TaskId ?? '?';
    const report = task.Report?.Enabled && task.Report.Path ? ` report: ${task.Report.Path}/${id}/failures.csv` : '';
    switch (task.Lifecycle) {
      case 'SUCCEEDED':
        return {
          state: 'done',
          reason: `${spec.verb} task ${id} on ${label} SUCCEEDED: ${counts(task)}`,
          outputs: {
            taskId: id,
            filesTotal: task.Status?.TotalCount ?? null,
            filesSucceeded: task.Status?.SucceededCount ?? null,
            filesFailed: task.Status?.FailedCount ?? null,
            finishedAt: task.EndTime?.toISOString() ?? null,
          },
        };
      case 'FAILED':
      case 'CANCELED': {
        if (obs.record && obs.record.attempt < ctx.attempt) return createDecision(obs, p, ctx, generation + 1);
        throw new StepError(
          task.Lifecycle === 'FAILED' ? `${spec.verb}-task-failed` : `${spec.verb}-task-canceled`,
          `${ctx.stepKey}: ${spec.verb} task ${id} on ${label} is ${task.Lifecycle}${task.FailureDetails?.Message ? `: ${task.FailureDetails.Message}` : ''} (${counts(task)});${report || ' no report was requested'}`,
          { hint: `Read the report for the files that failed and why (e.g. permissions on the bucket, files changed during the task), fix it, then re-run: drctl starts a new ${spec.verb} task.` },
        );
      }
      default:
        return { state: 'waiting', reason: `${spec.verb} task ${id} on ${label} is ${task.Lifecycle ?? 'unknown'}: ${counts(task)}` };
    }
  }

  async function apply(ctx: StepContext, p: P, obs: Observed, phase: string): Promise<void> {
    if (!obs.fileSystemId) return;
    const generation = Number(phase.slice('create-g'.length, phase.indexOf('#'))) || 1;
    const assocs = selected(ctx, p);
    const paths = spec.taskPaths(assocs);
    const reportPath = p.reportPath ?? defaultReportPath(assocs);
    let out;
    try {
      out = await ctx.aws.call(obs.target, 'fsx', 'CreateDataRepositoryTask', {
        Type: spec.type,
        FileSystemId: obs.fileSystemId,
        ...(paths ? { Paths: paths } : {}),
        Report: p.report && reportPath ? { Enabled: true, Path: reportPath, Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' } : { Enabled: false },
        ClientRequestToken: ctx.token(`${spec.verb}-g${generation}`, 63),
        Tags: [
          { Key: 'drctl:run', Value: ctx.runId },
          { Key: 'drctl:step', Value: ctx.stepKey },
        ],
        ...(spec.extraInput?.(p) ?? {}),
      });
    } catch (err) {
      if (!isAwsError(err, 'DataRepositoryTaskExecuting')) throw err;
      ctx.note(`FSx is busy on ${obs.fileSystemId} (another task or auto-export is running); the ${spec.verb} task will be requested again in a minute`);
      return;
    }
    const taskId = out.DataRepositoryTask?.TaskId;
    if (!taskId) return;
    rememberStartedJob(ctx, { runId: ctx.runId, generation, attempt: ctx.attempt, ids: { ...(obs.record?.ids ?? {}), [obs.fileSystemId]: taskId } });
    ctx.note(`${spec.verb} task ${taskId} started on ${obs.fileSystemId}`);
  }

  return {
    kind: spec.kind,
    summary: spec.summary,
    appliesTo: ['fsx-lustre'],
    params: spec.params,
    describe: (p, ctx) => `${spec.verb} ${p.side} ${plannedFileSystemId(ctx, p.side)}: ${selected(ctx, p).map((a) => a.fileSystemPath).join(', ')}`,
    calls(p, ctx) {
      const t = ctx.target(p.side);
      const declaredId = lustreSide(ctx.resource, p.side).fileSystemId;
      const fsId = plannedFileSystemId(ctx, p.side);
      return [
        planCall('fsx', 'DescribeFileSystems', t, { FileSystemIds: [fsId] }, [fileSystemArn(t, declaredId)]),
        planCall('fsx', 'DescribeDataRepositoryAssociations', t, { FileSystemId: fsId }, ['*']),
        planCall('fsx', 'DescribeDataRepositoryTasks', t, { FileSystemId: fsId }, ['*']),
        planCall('fsx', 'CreateDataRepositoryTask', t, { Type: spec.type, FileSystemId: fsId, Paths: spec.taskPaths(selected(ctx, p)) ?? '(whole file system)' }, [fileSystemArn(t, declaredId), taskArn(t), associationArn(t, declaredId)], 'once per run'),
      ];
    },
    sides: (p) => [p.side],
    observe,
    decide,
    apply,
    wait: spec.wait,
  };
}
