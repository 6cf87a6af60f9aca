/**
 * The life of a Batch Replication job, driven lazily by time (aws-reference.md §4.2):
 *
 *   New → Preparing → (Suspended until UpdateJobStatus Ready, when ConfirmationRequired) → Ready → Active → Complete
 *   any non-terminal → Cancelling → Cancelled;  Preparing → Failed when the manifest cannot be generated.
 *
 * The manifest is generated at the end of Preparing from the source bucket's versions that match the filter; the
 * tasks run at the end of Active, each replicating one version through the source bucket's replication
 * configuration (so objects become COMPLETED and replicas appear). Then the completion report (CSV) is written.
 */
import { defineSettings, type World } from '../../world.js';
import { destinationsFor } from '../s3/replication-config.js';
import { bucketNameFromArn, findBucket, findVersion, sortedKeys, type BucketRecord, type ObjectVersion } from '../s3/model.js';
import { putObject } from '../s3/objects.js';
import { replicateNow } from '../s3/replication.js';
import { S3CONTROL_STATE, TERMINAL_STATUSES, type JobFilter, type JobRecord, type JobStatus, type JobTask, type S3ControlRegionState } from './model.js';

defineSettings({
  's3control.jobNew': { ms: 1000, description: 'Batch job: time in New before Preparing.' },
  's3control.jobPreparing': { ms: 2000, description: 'Batch job: time in Preparing (manifest generation) before Ready or Suspended.' },
  's3control.jobReady': { ms: 1000, description: 'Batch job: time in Ready before Active.' },
  's3control.jobActive': { ms: 3000, description: 'Batch job: time in Active; the tasks run at its end.' },
  's3control.jobCancelling': { ms: 1000, description: 'Batch job: time in Cancelling before Cancelled.' },
});

/** Once at least this many tasks ran, a failure rate above 50% fails the job (S3's threshold). */
const FAILURE_THRESHOLD_TASKS = 1000;

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

function setStatus(job: JobRecord, status: JobStatus, at: number): void {
  job.status = status;
  job.statusSince = at;
  if (isTerminal(status)) job.terminatedAt = at;
}

function replicationStatusName(version: ObjectVersion): string {
  return version.replicationStatus ?? 'NONE';
}

/** Whether one version belongs in the generated manifest. */
export function matchesFilter(source: BucketRecord, key: string, version: ObjectVersion, filter: JobFilter | undefined): boolean {
  const eligible = destinationsFor(source.replication, key, version.deleteMarker).length > 0;
  // Delete markers are only ever replicated by a rule that replicates them.
  if (version.deleteMarker && !eligible) return false;
  if (!filter) return true;
  if (filter.eligibleForReplication && !eligible) return false;
  if (filter.objectReplicationStatuses && !filter.objectReplicationStatuses.includes(replicationStatusName(version))) return false;
  if (filter.createdAfter !== undefined && version.lastModified <= filter.createdAfter) return false;
  if (filter.createdBefore !== undefined && version.lastModified >= filter.createdBefore) return false;
  if (filter.matchAnyPrefix && !filter.matchAnyPrefix.some((p) => key.startsWith(p))) return false;
  if (filter.matchAnySuffix && !filter.matchAnySuffix.some((s) => key.endsWith(s))) return false;
  if (filter.matchAnySubstring && !filter.matchAnySubstring.some((s) => key.includes(s))) return false;
  if (filter.objectSizeGreaterThanBytes !== undefined && version.size <= filter.objectSizeGreaterThanBytes) return false;
  if (filter.objectSizeLessThanBytes !== undefined && version.size >= filter.objectSizeLessThanBytes) return false;
  if (filter.matchAnyStorageClass && !filter.matchAnyStorageClass.includes('STANDARD')) return false;
  return true;
}

export function generateManifest(source: BucketRecord, filter: JobFilter | undefined): JobTask[] {
  const tasks: JobTask[] = [];
  for (const key of sortedKeys(source)) {
    for (const version of source.objects[key] ?? []) {
      if (matchesFilter(source, key, version, filter)) tasks.push({ key, versionId: version.versionId });
    }
  }
  return tasks;
}

function fail(job: JobRecord, code: string, reason: string, at: number): void {
  job.failureReasons.push({ code, reason });
  setStatus(job, 'Failed', at);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Where results go: `<prefix>/job-<id>/results/<id>.csv` in the report bucket. */
function reportKey(job: JobRecord): string {
  const prefix = job.request.report.prefix ? `${job.request.report.prefix.replace(/\/$/, '')}/` : '';
  return `${prefix}job-${job.jobId}/results/${job.jobId}.csv`;
}

/** Writes the Report_CSV_20180820 completion report (Bucket,Key,VersionId,TaskStatus,ErrorCode,HTTPStatusCode,ResultMessage). */
function writeReport(world: World, job: JobRecord, at: number): void {
  const report = job.request.report;
  if (!report.enabled || job.reportWritten || !job.results?.length) return;
  const bucket = findBucket(world, bucketNameFromArn(report.bucketArn ?? '') ?? '');
  if (!bucket) {
    job.failureReasons.push({ code: 'ReportBucketNotFound', reason: `The report bucket ${report.bucketArn} does not exist; no completion report was written.` });
    return;
  }
  const sourceName = bucketNameFromArn(job.request.manifestGenerator.sourceBucketArn) ?? '';
  const rows = job.results
    .filter((r) => report.scope !== 'FailedTasksOnly' || !r.succeeded)
    .map((r) =>
      [sourceName, encodeURIComponent(r.key), r.versionId, r.succeeded ? 'succeeded' : 'failed', r.errorCode ?? '', r.succeeded ? '200' : '400', r.message ?? 'Successful']
        .map(csvField)
        .join(','),
    );
  putObject(world, bucket, reportKey(job), { body: Buffer.from(rows.length ? `${rows.join('\n')}\n` : ''), contentType: 'text/csv' }, at);
  job.reportWritten = true;
}

function finishPreparing(world: World, job: JobRecord, at: number): void {
  const generator = job.request.manifestGenerator;
  const sourceName = bucketNameFromArn(generator.sourceBucketArn) ?? '';
  const source = findBucket(world, sourceName);
  if (!source) return fail(job, 'SourceBucketNotFound', `The source bucket ${sourceName} no longer exists.`, at);
  if (generator.expectedBucketOwner && generator.expectedBucketOwner !== source.accountId) {
    return fail(job, 'AccessDenied', `The source bucket ${sourceName} is not owned by the expected account ${generator.expectedBucketOwner}.`, at);
  }
  if (!source.replication) {
    return fail(job, 'SrcBucketReplicationConfigMissing', `The source bucket ${sourceName} has no replication configuration; Batch Replication replicates through it. Add the rules, then create a new job.`, at);
  }
  if (job.request.report.enabled && !findBucket(world, bucketNameFromArn(job.request.report.bucketArn ?? '') ?? '')) {
    return fail(job, 'ReportBucketNotFound', `The report bucket ${job.request.report.bucketArn} does not exist.`, at);
  }
  job.tasks = generateManifest(source, generator.filter);
  const output = generator.enableManifestOutput ? generator.outputLocation : undefined;
  const outputBucket = output ? findBucket(world, bucketNameFromArn(output.bucketArn) ?? '') : undefined;
  if (output && outputBucket) {
    const key = `${output.prefix ? `${output.prefix.replace(/\/$/, '')}/` : ''}job-${job.jobId}/manifest.csv`;
    const body = job.tasks.map((t) => [sourceName, encodeURIComponent(t.key), t.versionId].join(',')).join('\n');
    const written = putObject(world, outputBucket, key, { body: Buffer.from(body), contentType: 'text/csv' }, at);
    job.generatedManifest = { objectArn: `arn:aws:s3:::${outputBucket.name}/${key}`, etag: written.etag.replace(/"/g, '') };
  }
  if (job.request.confirmationRequired) {
    setStatus(job, 'Suspended', at);
    job.suspendedAt = at;
    job.suspendedCause = 'AwaitingConfirmation';
  } else {
    setStatus(job, 'Ready', at);
  }
}

function runTasks(world: World, job: JobRecord, at: number): void {
  const sourceName = bucketNameFromArn(job.request.manifestGenerator.sourceBucketArn) ?? '';
  const source = findBucket(world, sourceName);
  job.results = (job.tasks ?? []).map((task) => {
    const version = source ? findVersion(source, task.key, task.versionId) : undefined;
    if (!source || !version) return { ...task, succeeded: false, errorCode: 'NoSuchKey', message: `Version ${task.versionId} of ${task.key} no longer exists in ${sourceName}.` };
    const result = replicateNow(world, source, task.key, version, at);
    return result.ok ? { ...task, succeeded: true } : { ...task, succeeded: false, errorCode: result.failureCode, message: result.message };
  });
  const failed = job.results.filter((r) => !r.succeeded).length;
  writeReport(world, job, at);
  if (job.results.length >= FAILURE_THRESHOLD_TASKS && failed / job.results.length > 0.5) {
    fail(job, 'TaskFailureRateExceeded', `${failed} of ${job.results.length} tasks failed (more than 50%).`, at);
  } else {
    setStatus(job, 'Complete', at);
  }
}

/** Moves one job as far as `now` allows; returns whether it changed. */
export function advanceJob(world: World, job: JobRecord, now: number): boolean {
  let changed = false;
  for (;;) {
    const since = job.statusSince;
    const due = (key: string) => since + world.duration(key);
    let next: number | undefined;
    switch (job.status) {
      case 'New':
        next = due('s3control.jobNew');
        if (next > now) return changed;
        setStatus(job, 'Preparing', next);
        break;
      case 'Preparing':
        next = due('s3control.jobPreparing');
        if (next > now) return changed;
        finishPreparing(world, job, next);
        break;
      case 'Ready':
        next = due('s3control.jobReady');
        if (next > now) return changed;
        setStatus(job, 'Active', next);
        job.activeSince = next;
        break;
      case 'Active':
        next = due('s3control.jobActive');
        if (next > now) return changed;
        runTasks(world, job, next);
        break;
      case 'Cancelling':
        next = due('s3control.jobCancelling');
        if (next > now) return changed;
        setStatus(job, 'Cancelled', next);
        writeReport(world, job, next);
        break;
      default:
        return changed;
    }
    changed = true;
  }
}

/** The storage step: every job in a region that is up. */
export function advanceJobs(world: World, now: number): boolean {
  let changed = false;
  for (const { region, state } of world.states<S3ControlRegionState>(S3CONTROL_STATE)) {
    if (world.faults.isRegionDown(region)) continue;
    for (const job of Object.values(state.jobs)) changed = advanceJob(world, job, now) || changed;
  }
  return changed;
}

export function progressOf(job: JobRecord, now: number) {
  const results = job.results ?? [];
  const active = job.activeSince === undefined ? 0 : Math.max(0, (job.status === 'Active' ? now : (job.terminatedAt ?? now)) - job.activeSince);
  return {
    total: job.tasks?.length ?? 0,
    succeeded: results.filter((r) => r.succeeded).length,
    failed: results.filter((r) => !r.succeeded).length,
    elapsedActiveSeconds: Math.floor(active / 1000),
  };
}
