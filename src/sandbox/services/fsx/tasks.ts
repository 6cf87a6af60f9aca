/**
 * Data repository tasks (aws-reference.md §2.4): PENDING → EXECUTING → SUCCEEDED | FAILED, cancel through
 * CANCELING → CANCELED. The work happens when a task finishes: EXPORT_TO_REPOSITORY writes every file not yet in
 * S3, IMPORT_METADATA_FROM_REPOSITORY brings in every object the file system has not seen, and
 * RELEASE_DATA_FROM_FILESYSTEM marks exported files released. Counts go to Status; with Report.Enabled a
 * failures CSV is written to `<Report.Path>/<task id>/failures.csv` (`…/task-0123…/failures.csv`).
 *
 * Whether a second task queues or is refused is UNCERTAIN in AWS: by default it is refused with
 * DataRepositoryTaskExecuting; the `fsx.tasks-queue` condition makes it queue. An export task is also refused
 * while automatic export has changes in flight (they cannot run at the same time).
 */
import { AwsError } from '../../protocol/errors.js';
import { defineSettings, type World } from '../../world.js';
import { findBucket } from '../s3/model.js';
import { putObject } from '../s3/objects.js';
import { badRequest, bool, object, paginate, rememberRequest, replayedRequest, requireFileSystem, requiredStr, str, strings, tagsOf, type Input } from './common.js';
import {
  epochSeconds,
  FSX_CONDITIONS,
  FSX_STATE,
  fsxState,
  parseS3Url,
  relativeTo,
  taskArn,
  type FileSystemRecord,
  type FsxRegionState,
  type TaskRecord,
  type TaskReport,
  type TaskType,
} from './model.js';
import { associationsOf, autoExportInFlight, exportCandidates, exportOne, importCandidates, importOne } from './sync.js';

defineSettings({
  'fsx.taskStart': { ms: 500, description: 'FSx task: time in PENDING before EXECUTING.' },
  'fsx.taskRun': { ms: 2000, description: 'FSx task: time in EXECUTING; the files move at its end.' },
  'fsx.taskCancel': { ms: 500, description: 'FSx task: time in CANCELING before CANCELED.' },
});

const TYPES: TaskType[] = ['EXPORT_TO_REPOSITORY', 'IMPORT_METADATA_FROM_REPOSITORY', 'RELEASE_DATA_FROM_FILESYSTEM'];
const DAY = 86_400_000;

function taskNotFound(id: string, accountId: string, region: string): AwsError {
  return new AwsError('DataRepositoryTaskNotFound', 400, `Data repository task '${id}' does not exist in account ${accountId}, region ${region}.`);
}

function isActive(task: TaskRecord): boolean {
  return task.lifecycle === 'PENDING' || task.lifecycle === 'EXECUTING';
}

export function createTaskRecord(
  world: World,
  state: FsxRegionState,
  fs: FileSystemRecord,
  spec: { type: TaskType; paths: string[]; report: TaskReport; associationId?: string; releaseConfiguration?: TaskRecord['releaseConfiguration']; tags?: TaskRecord['tags'] },
  at: number,
): TaskRecord {
  const task: TaskRecord = {
    taskId: world.newId('task-', 17),
    fileSystemId: fs.fileSystemId,
    ownerId: fs.ownerId,
    region: fs.region,
    type: spec.type,
    lifecycle: 'PENDING',
    lifecycleSince: at,
    createdAt: at,
    paths: spec.paths,
    report: spec.report,
    tags: spec.tags ?? [],
    ...(spec.associationId ? { associationId: spec.associationId } : {}),
    ...(spec.releaseConfiguration ? { releaseConfiguration: spec.releaseConfiguration } : {}),
  };
  state.tasks[task.taskId] = task;
  return task;
}

function readReport(input: Input, state: FsxRegionState, fs: FileSystemRecord): TaskReport {
  const report = object(input, 'Report');
  if (!report) throw badRequest('Report is required (Report.Enabled=false to run without a completion report).');
  const enabled = bool(report, 'Enabled');
  if (enabled === undefined) throw badRequest('Report.Enabled is required.');
  if (!enabled) return { Enabled: false };
  const path = str(report, 'Path');
  const format = str(report, 'Format');
  const scope = str(report, 'Scope');
  if (!path || format !== 'REPORT_CSV_20191124' || scope !== 'FAILED_FILES_ONLY') {
    throw badRequest('With Report.Enabled, Path (an s3:// path in a linked repository), Format REPORT_CSV_20191124 and Scope FAILED_FILES_ONLY are required.');
  }
  const target = parseS3Url(path);
  const linked = target && associationsOf(state, fs).some((dra) => dra.bucket === target.bucket && target.prefix.startsWith(dra.prefix));
  if (!linked) throw badRequest(`Report.Path ${path} must be inside a data repository linked to ${fs.fileSystemId}.`);
  return { Enabled: true, Path: path, Format: format, Scope: scope };
}

export function createTask(world: World, accountId: string, region: string, input: Input, now: number): TaskRecord {
  const state = fsxState(world, accountId, region);
  const token = str(input, 'ClientRequestToken');
  const replayed = replayedRequest(state, 'CreateDataRepositoryTask', token, input);
  if (replayed && state.tasks[replayed]) return state.tasks[replayed];

  const type = requiredStr(input, 'Type') as TaskType;
  if (!TYPES.includes(type)) throw badRequest(`Type must be one of ${TYPES.join(', ')} for a Lustre file system, not '${type}'.`);
  const fs = requireFileSystem(world, accountId, region, requiredStr(input, 'FileSystemId'));
  if (fs.lifecycle !== 'AVAILABLE') throw badRequest(`File system ${fs.fileSystemId} is ${fs.lifecycle}; data repository tasks need it AVAILABLE.`);
  const linked = associationsOf(state, fs).filter((dra) => dra.lifecycle !== 'DELETING' && dra.lifecycle !== 'CREATING');
  if (linked.length === 0) throw badRequest(`File system ${fs.fileSystemId} has no linked data repository; create a data repository association first.`);
  const paths = strings(input, 'Paths') ?? [];
  if (paths.length > 100) throw badRequest('Paths takes at most 100 entries.');
  const report = readReport(input, state, fs);
  const running = Object.values(state.tasks).filter((t) => t.fileSystemId === fs.fileSystemId && isActive(t));
  if (running.length > 0 && !world.faults.hasCondition(FSX_CONDITIONS.queueConcurrentTasks, fs.fileSystemId)) {
    const first = running[0] as TaskRecord;
    throw new AwsError('DataRepositoryTaskExecuting', 400, `Task ${first.taskId} (${first.type}) is ${first.lifecycle} on ${fs.fileSystemId}; wait for it to finish and retry.`);
  }
  if (type === 'EXPORT_TO_REPOSITORY' && autoExportInFlight(state, fs)) {
    throw new AwsError('DataRepositoryTaskExecuting', 400, `Automatic export is writing changes of ${fs.fileSystemId} to S3; an export task cannot run at the same time. Retry in a moment.`);
  }
  const release = object(input, 'ReleaseConfiguration');
  const task = createTaskRecord(
    world,
    state,
    fs,
    { type, paths, report, tags: tagsOf(input), ...(release ? { releaseConfiguration: release as TaskRecord['releaseConfiguration'] } : {}) },
    now,
  );
  rememberRequest(state, 'CreateDataRepositoryTask', token, input, task.taskId);
  return task;
}

export function renderTask(task: TaskRecord): Record<string, unknown> {
  return {
    TaskId: task.taskId,
    Lifecycle: task.lifecycle,
    Type: task.type,
    CreationTime: epochSeconds(task.createdAt),
    ...(task.startedAt !== undefined ? { StartTime: epochSeconds(task.startedAt) } : {}),
    ...(task.endedAt !== undefined ? { EndTime: epochSeconds(task.endedAt) } : {}),
    ResourceARN: taskArn(task),
    Tags: task.tags,
    FileSystemId: task.fileSystemId,
    Paths: task.paths,
    ...(task.failureMessage ? { FailureDetails: { Message: task.failureMessage } } : {}),
    ...(task.status
      ? {
          Status: {
            TotalCount: task.status.total,
            SucceededCount: task.status.succeeded,
            FailedCount: task.status.failed,
            LastUpdatedTime: epochSeconds(task.status.updatedAt),
          },
        }
      : {}),
    Report: task.report,
    ...(task.releaseConfiguration ? { ReleaseConfiguration: task.releaseConfiguration } : {}),
  };
}

export function describeTasks(world: World, accountId: string, region: string, input: Input): Record<string, unknown> {
  const state = fsxState(world, accountId, region);
  const ids = strings(input, 'TaskIds');
  let tasks = ids && ids.length > 0 ? ids.map((id) => state.tasks[id] ?? (() => { throw taskNotFound(id, accountId, region); })()) : Object.values(state.tasks);
  const filters = Array.isArray(input['Filters']) ? (input['Filters'] as Input[]) : [];
  for (const filter of filters) {
    const name = str(filter, 'Name');
    const values = strings(filter, 'Values') ?? [];
    if (name === 'file-system-id') tasks = tasks.filter((t) => values.includes(t.fileSystemId));
    else if (name === 'task-lifecycle') tasks = tasks.filter((t) => values.includes(t.lifecycle));
    else if (name === 'data-repository-association-id') tasks = tasks.filter((t) => t.associationId !== undefined && values.includes(t.associationId));
    else if (name === 'file-cache-id') tasks = [];
    else throw badRequest(`Filter '${name}' is not supported; use file-system-id, task-lifecycle or data-repository-association-id.`);
  }
  tasks.sort((a, b) => b.createdAt - a.createdAt || a.taskId.localeCompare(b.taskId));
  const { page, nextToken } = paginate(tasks, input, 2147483647);
  return { DataRepositoryTasks: page.map(renderTask), ...(nextToken ? { NextToken: nextToken } : {}) };
}

export function cancelTask(world: World, accountId: string, region: string, input: Input, now: number): Record<string, unknown> {
  const id = requiredStr(input, 'TaskId');
  const task = fsxState(world, accountId, region).tasks[id];
  if (!task) throw taskNotFound(id, accountId, region);
  if (isActive(task)) {
    task.lifecycle = 'CANCELING';
    task.lifecycleSince = now;
  } else if (task.lifecycle !== 'CANCELING') {
    throw new AwsError('DataRepositoryTaskEnded', 400, `Task ${id} already ended (${task.lifecycle}); there is nothing to cancel.`);
  }
  return { Lifecycle: task.lifecycle, TaskId: task.taskId };
}

type FileFailure = { path: string; code: string };

function underPaths(path: string, taskPaths: string[]): boolean {
  if (taskPaths.length === 0) return true;
  return taskPaths.some((p) => {
    const abs = `/${p.replace(/^\/+/, '').replace(/\/+$/, '')}`;
    return abs === '/' || path === abs || path.startsWith(`${abs}/`);
  });
}

/**
 * The paths (relative to the mount point) that name nothing on the file system: they fail the whole task. A
 * linked directory (and its parents) exists even while it holds no file, since linking creates it.
 */
function missingFsPaths(state: FsxRegionState, fs: FileSystemRecord, taskPaths: string[]): string[] {
  const linked = associationsOf(state, fs).map((dra) => dra.fileSystemPath);
  return taskPaths.filter((p) => {
    if (Object.keys(fs.files).some((path) => underPaths(path, [p]))) return false;
    return !linked.some((dir) => underPaths(dir, [p]));
  });
}

function runExport(world: World, state: FsxRegionState, fs: FileSystemRecord, task: TaskRecord, at: number): FileFailure[] | string {
  const missing = missingFsPaths(state, fs, task.paths);
  if (missing.length) return `The path(s) ${missing.join(', ')} do not exist on ${fs.fileSystemId}.`;
  const failures: FileFailure[] = [];
  let succeeded = 0;
  for (const dra of associationsOf(state, fs)) {
    for (const candidate of exportCandidates(dra, fs, 'task')) {
      if (!underPaths(candidate.path, task.paths)) continue;
      const result = exportOne(world, dra, candidate, at);
      if (result.ok) succeeded += 1;
      else failures.push({ path: candidate.path, code: result.code });
    }
  }
  task.status = { total: succeeded + failures.length, succeeded, failed: failures.length, updatedAt: at };
  return failures;
}

function runImport(world: World, state: FsxRegionState, fs: FileSystemRecord, task: TaskRecord, at: number): FileFailure[] | string {
  const associations = associationsOf(state, fs);
  const paths = task.paths.length ? task.paths : associations.map((dra) => dra.dataRepositoryPath);
  let succeeded = 0;
  for (const path of paths) {
    const target = parseS3Url(path);
    const dra = target && associations.find((a) => a.bucket === target.bucket && (target.prefix.startsWith(a.prefix) || a.prefix.startsWith(target.prefix)));
    if (!target || !dra) return `The path ${path} is not in a data repository linked to ${fs.fileSystemId}.`;
    const bucket = findBucket(world, dra.bucket);
    if (!bucket) return `The S3 bucket ${dra.bucket} of ${dra.dataRepositoryPath} does not exist.`;
    if (world.faults.isRegionDown(bucket.region)) return `The S3 bucket ${dra.bucket} is unreachable (region ${bucket.region} is down).`;
    const keyPrefix = target.prefix.length > dra.prefix.length ? target.prefix : dra.prefix;
    for (const candidate of importCandidates(dra, fs, bucket, keyPrefix)) {
      importOne(fs, dra, candidate, at);
      succeeded += 1;
    }
  }
  task.status = { total: succeeded, succeeded, failed: 0, updatedAt: at };
  return [];
}

function runRelease(state: FsxRegionState, fs: FileSystemRecord, task: TaskRecord, at: number): FileFailure[] | string {
  const missing = missingFsPaths(state, fs, task.paths);
  if (missing.length) return `The path(s) ${missing.join(', ')} do not exist on ${fs.fileSystemId}.`;
  const minAgeDays = task.releaseConfiguration?.DurationSinceLastAccess?.Value ?? 0;
  let released = 0;
  for (const dra of associationsOf(state, fs)) {
    for (const [path, file] of Object.entries(fs.files)) {
      const rel = file.deleted || file.released ? undefined : relativeTo(dra.fileSystemPath, path);
      if (rel === undefined || !underPaths(path, task.paths)) continue;
      // Only files whose current content is already in S3, and old enough, can be released.
      if (dra.exported[rel] !== file.mtime || file.mtime > at - minAgeDays * DAY) continue;
      file.released = true;
      released += 1;
    }
  }
  task.status = { total: released, succeeded: released, failed: 0, updatedAt: at };
  return [];
}

/** How many files a task will process, counted when it starts executing (Status.TotalCount while it runs). */
function plannedTotal(world: World, state: FsxRegionState, fs: FileSystemRecord, task: TaskRecord, at: number): number {
  const associations = associationsOf(state, fs);
  if (task.type === 'EXPORT_TO_REPOSITORY') {
    return associations.reduce((n, dra) => n + exportCandidates(dra, fs, 'task').filter((c) => underPaths(c.path, task.paths)).length, 0);
  }
  if (task.type === 'IMPORT_METADATA_FROM_REPOSITORY') {
    const paths = task.paths.length ? task.paths : associations.map((dra) => dra.dataRepositoryPath);
    let total = 0;
    for (const path of paths) {
      const target = parseS3Url(path);
      const dra = target && associations.find((a) => a.bucket === target.bucket && (target.prefix.startsWith(a.prefix) || a.prefix.startsWith(target.prefix)));
      const bucket = dra ? findBucket(world, dra.bucket) : undefined;
      if (target && dra && bucket) total += importCandidates(dra, fs, bucket, target.prefix.length > dra.prefix.length ? target.prefix : dra.prefix).length;
    }
    return total;
  }
  const minAgeDays = task.releaseConfiguration?.DurationSinceLastAccess?.Value ?? 0;
  return associations.reduce((n, dra) => {
    const eligible = Object.entries(fs.files).filter(([path, file]) => {
      const rel = file.deleted || file.released ? undefined : relativeTo(dra.fileSystemPath, path);
      return rel !== undefined && underPaths(path, task.paths) && dra.exported[rel] === file.mtime && file.mtime <= at - minAgeDays * DAY;
    });
    return n + eligible.length;
  }, 0);
}

function csvQuote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** Where the report goes: `<Report.Path>/<task id>/failures.csv` (the id already reads `task-…`). */
function reportLocation(task: TaskRecord): { bucket: string; key: string } | undefined {
  const target = task.report.Enabled && task.report.Path ? parseS3Url(task.report.Path) : undefined;
  return target ? { bucket: target.bucket, key: `${target.prefix}${task.taskId}/failures.csv` } : undefined;
}

/** One `FilePath,FileStatus,ErrorCode` row per failed file (RFC 4180 quoting). */
function writeTaskReport(world: World, task: TaskRecord, failures: FileFailure[], at: number): void {
  const location = reportLocation(task);
  const bucket = location ? findBucket(world, location.bucket) : undefined;
  if (!location || !bucket) return;
  const body = failures.map((f) => [f.path.replace(/^\//, ''), 'FAILED', f.code].map(csvQuote).join(',')).join('\r\n');
  putObject(world, bucket, location.key, { body: Buffer.from(body ? `${body}\r\n` : ''), contentType: 'text/csv' }, at);
}

function finish(world: World, state: FsxRegionState, fs: FileSystemRecord, task: TaskRecord, at: number): void {
  const outcome =
    task.type === 'EXPORT_TO_REPOSITORY'
      ? runExport(world, state, fs, task, at)
      : task.type === 'IMPORT_METADATA_FROM_REPOSITORY'
        ? runImport(world, state, fs, task, at)
        : runRelease(state, fs, task, at);
  task.endedAt = at;
  task.lifecycleSince = at;
  if (typeof outcome === 'string') {
    task.lifecycle = 'FAILED';
    task.failureMessage = outcome;
    task.status ??= { total: 0, succeeded: 0, failed: 0, updatedAt: at };
    writeTaskReport(world, task, [], at);
    return;
  }
  writeTaskReport(world, task, outcome, at);
  if (outcome.length > 0) {
    task.lifecycle = 'FAILED';
    const location = reportLocation(task);
    const where = location ? ` See the report at s3://${location.bucket}/${location.key}.` : '';
    task.failureMessage = `${outcome.length} of ${task.status?.total ?? outcome.length} files failed.${where}`;
  } else {
    task.lifecycle = 'SUCCEEDED';
  }
}

/** Starts, finishes and cancels tasks at their due times; one task executes at a time per file system. */
export function advanceTasks(world: World, now: number): boolean {
  let changed = false;
  for (const { region, state } of world.states<FsxRegionState>(FSX_STATE)) {
    if (world.faults.isRegionDown(region)) continue;
    const ordered = Object.values(state.tasks).sort((a, b) => a.createdAt - b.createdAt || a.taskId.localeCompare(b.taskId));
    for (const task of ordered) {
      const fs = state.fileSystems[task.fileSystemId];
      if (!fs) continue;
      if (task.lifecycle === 'CANCELING' && task.lifecycleSince + world.duration('fsx.taskCancel') <= now) {
        task.lifecycleSince += world.duration('fsx.taskCancel');
        task.lifecycle = 'CANCELED';
        task.endedAt = task.lifecycleSince;
        changed = true;
        continue;
      }
      if (task.lifecycle === 'PENDING') {
        const blocker = ordered.find((t) => t !== task && t.fileSystemId === task.fileSystemId && (t.lifecycle === 'EXECUTING' || (t.lifecycle === 'PENDING' && t.createdAt < task.createdAt)));
        if (blocker) continue;
        const start = Math.max(task.lifecycleSince + world.duration('fsx.taskStart'), previousEnd(state, task));
        if (start > now) continue;
        task.lifecycle = 'EXECUTING';
        task.lifecycleSince = start;
        task.startedAt = start;
        task.status = { total: plannedTotal(world, state, fs, task, start), succeeded: 0, failed: 0, updatedAt: start };
        changed = true;
      }
      if (task.lifecycle === 'EXECUTING') {
        const end = task.lifecycleSince + world.duration('fsx.taskRun');
        if (end > now) continue;
        finish(world, state, fs, task, end);
        changed = true;
      }
    }
  }
  return changed;
}

/** A queued task starts no earlier than the end of the task before it on the same file system. */
function previousEnd(state: FsxRegionState, task: TaskRecord): number {
  let latest = 0;
  for (const other of Object.values(state.tasks)) {
    if (other !== task && other.fileSystemId === task.fileSystemId && other.createdAt <= task.createdAt && other.endedAt !== undefined) {
      latest = Math.max(latest, other.endedAt);
    }
  }
  return latest;
}

