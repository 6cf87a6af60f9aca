/** Pure helpers about S3 Batch Replication jobs: the CreatedAfter bound, progress text, report location. */
import type { JobDescriptor } from '@aws-sdk/client-s3-control';
import type { ResourceMemory } from './types.js';

/** Objects created a little before the recorded failover are included too: clocks differ, and extra objects are harmless. */
export const CREATED_AFTER_MARGIN_MS = 15 * 60_000;

/** The CreatedAfter filter for a job: from the step's `createdAfter` parameter and the resource memory. */
export function createdAfterFor(setting: string, memory: ResourceMemory): Date | undefined {
  if (setting === 'none') return undefined;
  if (setting === 'last-failover') {
    const at = memory.lastFailoverAt ? Date.parse(memory.lastFailoverAt) : Number.NaN;
    return Number.isNaN(at) ? undefined : new Date(at - CREATED_AFTER_MARGIN_MS);
  }
  const at = Date.parse(setting);
  return Number.isNaN(at) ? undefined : new Date(at);
}

export function describeJobProgress(job: JobDescriptor): string {
  const p = job.ProgressSummary;
  if (!p || p.TotalNumberOfTasks === undefined) return 'no progress reported yet';
  const done = (p.NumberOfTasksSucceeded ?? 0) + (p.NumberOfTasksFailed ?? 0);
  return `${done} of ${p.TotalNumberOfTasks} tasks done, ${p.NumberOfTasksFailed ?? 0} failed`;
}

/** Where S3 Batch Operations writes the completion report of a job. */
export function jobReportUrl(bucket: string, prefix: string, jobId: string): string {
  const base = prefix.replace(/\/+$/, '');
  return `s3://${bucket}/${base ? `${base}/` : ''}job-${jobId}/results/`;
}

/**
 * A generated manifest that matched no object ends the job without tasks. AWS does not document the exact
 * failure code (UNCERTAIN), so: a failed job with zero tasks whose reason speaks of an empty manifest or no
 * objects means there was nothing to replicate.
 */
export function isEmptyManifestFailure(job: JobDescriptor): boolean {
  if (job.Status !== 'Failed') return false;
  if ((job.ProgressSummary?.TotalNumberOfTasks ?? 0) > 0) return false;
  const text = (job.FailureReasons ?? []).map((f) => `${f.FailureCode ?? ''} ${f.FailureReason ?? ''}`).join(' ');
  return /empty|no objects|no tasks|zero objects|0 objects/i.test(text);
}
