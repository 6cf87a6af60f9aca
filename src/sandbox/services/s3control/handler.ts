/**
 * The S3 Control service (Batch Replication subset): CreateJob, DescribeJob, ListJobs, UpdateJobStatus and
 * UpdateJobPriority under `/v20180820/jobs`. The account comes from `x-amz-account-id` (or the `{AccountId}.`
 * host prefix when a client sends it in the Host) and must be the caller's. Errors are restXml
 * `<ErrorResponse><Error><Code>…`; anything else under `/v20180820/` answers NotImplemented.
 */
import { createHash } from 'node:crypto';
import { AwsError, notImplemented } from '../../protocol/errors.js';
import { el, optionalEl, renderXml, type XmlElement } from '../../protocol/xml.js';
import { RestRouter } from '../../protocol/rest-route.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from '../../types.js';
import type { World } from '../../world.js';
import { readXmlBody, readingXml } from '../s3/bucket-ops.js';
import { badRequest, checkJobPlacement, readCreateJob } from './create-job.js';
import { advanceJob, isTerminal, progressOf } from './jobs.js';
import { jobArn, s3ControlState, type JobRecord, type JobStatus } from './model.js';

const XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

type Operation = 'CreateJob' | 'ListJobs' | 'DescribeJob' | 'UpdateJobStatus' | 'UpdateJobPriority';

const routes = new RestRouter<Operation>([
  { method: 'POST', path: '/v20180820/jobs', operation: 'CreateJob' },
  { method: 'GET', path: '/v20180820/jobs', operation: 'ListJobs' },
  { method: 'GET', path: '/v20180820/jobs/{JobId}', operation: 'DescribeJob' },
  { method: 'POST', path: '/v20180820/jobs/{JobId}/status', operation: 'UpdateJobStatus' },
  { method: 'POST', path: '/v20180820/jobs/{JobId}/priority', operation: 'UpdateJobPriority' },
]);

interface ControlCall {
  world: World;
  call: CallContext;
  request: SandboxRequest;
  jobId: string;
}

function root(name: string, ...children: Array<XmlElement | undefined>): XmlElement {
  return { name, attributes: { xmlns: XMLNS }, children };
}

function ok(call: CallContext, body: XmlElement): SandboxResponse {
  return { status: 200, headers: { 'content-type': 'application/xml', 'x-amz-request-id': call.requestId }, body: renderXml(body) };
}

/** The account the request names; it must be the caller's own (the sandbox has no cross-account job access). */
function accountOf(request: SandboxRequest, call: CallContext): string {
  const fromHost = /^(\d{12})\./.exec(request.host)?.[1];
  const accountId = request.headers['x-amz-account-id'] ?? fromHost;
  if (!accountId) throw badRequest('The x-amz-account-id header is required.');
  if (accountId !== call.accountId) {
    throw new AwsError('AccessDenied', 403, `Access Denied: the credentials belong to account ${call.accountId}, but the request is for account ${accountId}.`);
  }
  return accountId;
}

function findJob(ctx: ControlCall): JobRecord {
  const job = s3ControlState(ctx.world, ctx.call.accountId, ctx.call.region).jobs[ctx.jobId];
  if (!job) {
    throw new AwsError('NotFoundException', 404, `No job ${ctx.jobId} exists in account ${ctx.call.accountId}, region ${ctx.call.region} (jobs are regional: use the source bucket's region).`);
  }
  return job;
}

function fingerprint(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function createJob(ctx: ControlCall): SandboxResponse {
  const body = readXmlBody(ctx.request);
  const { request, clientRequestToken } = readingXml(() => readCreateJob(body));
  const state = s3ControlState(ctx.world, ctx.call.accountId, ctx.call.region);
  const existingId = state.tokens[clientRequestToken];
  const existing = existingId ? state.jobs[existingId] : undefined;
  if (existing) {
    if (fingerprint(existing.request) !== fingerprint(request)) {
      throw new AwsError('IdempotencyException', 409, `ClientRequestToken ${clientRequestToken} was already used for job ${existing.jobId} with different parameters. Use a new token for a different job.`);
    }
    return ok(ctx.call, root('CreateJobResult', el('JobId', existing.jobId)));
  }
  checkJobPlacement(ctx.world, request, ctx.call.region);
  const hex = ctx.world.newId('', 32);
  const jobId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  const now = ctx.call.now;
  state.jobs[jobId] = {
    jobId,
    accountId: ctx.call.accountId,
    region: ctx.call.region,
    clientRequestToken,
    request,
    status: 'New',
    statusSince: now,
    createdAt: now,
    failureReasons: [],
  };
  state.tokens[clientRequestToken] = jobId;
  return ok(ctx.call, root('CreateJobResult', el('JobId', jobId)));
}

function progressEl(job: JobRecord, now: number): XmlElement {
  const p = progressOf(job, now);
  return el(
    'ProgressSummary',
    el('TotalNumberOfTasks', p.total),
    el('NumberOfTasksSucceeded', p.succeeded),
    el('NumberOfTasksFailed', p.failed),
    el('Timers', el('ElapsedTimeInActiveSeconds', p.elapsedActiveSeconds)),
  );
}

function members(name: string, values: string[] | undefined): XmlElement | undefined {
  return values ? el(name, values.map((v) => el('member', v))) : undefined;
}

function manifestGeneratorEl(job: JobRecord): XmlElement {
  const g = job.request.manifestGenerator;
  const f = g.filter;
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
  const keyNames = f && (f.matchAnyPrefix || f.matchAnySuffix || f.matchAnySubstring)
    ? el('KeyNameConstraint', members('MatchAnyPrefix', f.matchAnyPrefix), members('MatchAnySuffix', f.matchAnySuffix), members('MatchAnySubstring', f.matchAnySubstring))
    : undefined;
  const output = g.outputLocation;
  return el(
    'ManifestGenerator',
    el(
      'S3JobManifestGenerator',
      optionalEl('ExpectedBucketOwner', g.expectedBucketOwner),
      el('SourceBucket', g.sourceBucketArn),
      output
        ? el('ManifestOutputLocation', optionalEl('ExpectedManifestBucketOwner', output.expectedBucketOwner), el('Bucket', output.bucketArn), optionalEl('ManifestPrefix', output.prefix), el('ManifestFormat', output.format))
        : undefined,
      f
        ? el(
            'Filter',
            optionalEl('EligibleForReplication', f.eligibleForReplication),
            optionalEl('CreatedAfter', iso(f.createdAfter)),
            optionalEl('CreatedBefore', iso(f.createdBefore)),
            members('ObjectReplicationStatuses', f.objectReplicationStatuses),
            keyNames,
            optionalEl('ObjectSizeGreaterThanBytes', f.objectSizeGreaterThanBytes),
            optionalEl('ObjectSizeLessThanBytes', f.objectSizeLessThanBytes),
            members('MatchAnyStorageClass', f.matchAnyStorageClass),
          )
        : undefined,
      el('EnableManifestOutput', g.enableManifestOutput),
    ),
  );
}

function jobEl(job: JobRecord, now: number): XmlElement {
  const r = job.request.report;
  return el(
    'Job',
    el('JobId', job.jobId),
    el('ConfirmationRequired', job.request.confirmationRequired),
    optionalEl('Description', job.request.description),
    el('JobArn', jobArn(job)),
    el('Status', job.status),
    el('Operation', el('S3ReplicateObject')),
    el('Priority', job.request.priority),
    progressEl(job, now),
    optionalEl('StatusUpdateReason', job.statusUpdateReason),
    job.failureReasons.length ? el('FailureReasons', job.failureReasons.map((f) => el('member', el('FailureCode', f.code), el('FailureReason', f.reason)))) : undefined,
    el('Report', optionalEl('Bucket', r.bucketArn), optionalEl('Format', r.format), el('Enabled', r.enabled), optionalEl('Prefix', r.prefix), optionalEl('ReportScope', r.scope), optionalEl('ExpectedBucketOwner', r.expectedBucketOwner)),
    el('CreationTime', new Date(job.createdAt)),
    optionalEl('TerminationDate', job.terminatedAt === undefined ? undefined : new Date(job.terminatedAt)),
    el('RoleArn', job.request.roleArn),
    optionalEl('SuspendedDate', job.suspendedAt === undefined ? undefined : new Date(job.suspendedAt)),
    optionalEl('SuspendedCause', job.suspendedCause),
    manifestGeneratorEl(job),
    job.generatedManifest
      ? el('GeneratedManifestDescriptor', el('Format', 'S3InventoryReport_CSV_20211130'), el('Location', el('ObjectArn', job.generatedManifest.objectArn), el('ETag', job.generatedManifest.etag)))
      : undefined,
  );
}

function describeJob(ctx: ControlCall): SandboxResponse {
  return ok(ctx.call, root('DescribeJobResult', jobEl(findJob(ctx), ctx.call.now)));
}

/** Jobs that ended more than 90 days ago drop out of ListJobs, as in S3. */
const LIST_RETENTION_MS = 90 * 86_400_000;

function listJobs(ctx: ControlCall): SandboxResponse {
  const statuses = (ctx.request.query['jobStatuses'] ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const maxText = ctx.request.query['maxResults']?.[0];
  const max = maxText === undefined ? 1000 : Number(maxText);
  if (!Number.isInteger(max) || max < 0 || max > 1000) throw new AwsError('InvalidRequestException', 400, `maxResults must be 0-1000, not '${maxText}'.`);
  const offsetText = ctx.request.query['nextToken']?.[0];
  const offset = offsetText === undefined ? 0 : Number(Buffer.from(offsetText, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidNextTokenException', 400, 'The nextToken is not one this sandbox issued.');
  const jobs = Object.values(s3ControlState(ctx.world, ctx.call.accountId, ctx.call.region).jobs)
    .filter((j) => j.terminatedAt === undefined || ctx.call.now - j.terminatedAt <= LIST_RETENTION_MS)
    .filter((j) => statuses.length === 0 || statuses.includes(j.status))
    .sort((a, b) => b.createdAt - a.createdAt || a.jobId.localeCompare(b.jobId));
  const page = jobs.slice(offset, offset + max);
  const next = offset + max < jobs.length ? Buffer.from(String(offset + max)).toString('base64url') : undefined;
  const items = page.map((j) =>
    el(
      'member',
      el('JobId', j.jobId),
      optionalEl('Description', j.request.description),
      el('Operation', 'S3ReplicateObject'),
      el('Priority', j.request.priority),
      el('Status', j.status),
      el('CreationTime', new Date(j.createdAt)),
      optionalEl('TerminationDate', j.terminatedAt === undefined ? undefined : new Date(j.terminatedAt)),
      progressEl(j, ctx.call.now),
    ),
  );
  return ok(ctx.call, root('ListJobsResult', optionalEl('NextToken', next), el('Jobs', items)));
}

function updateJobStatus(ctx: ControlCall): SandboxResponse {
  const job = findJob(ctx);
  const requested = ctx.request.query['requestedJobStatus']?.[0];
  const reason = ctx.request.query['statusUpdateReason']?.[0];
  const refuse = (why: string) =>
    new AwsError('JobStatusException', 409, `Job ${job.jobId} is ${job.status}: ${why}`);
  let next: JobStatus;
  if (requested === 'Ready') {
    if (job.status !== 'Suspended') throw refuse('only a Suspended job (awaiting confirmation) can be moved to Ready.');
    next = 'Ready';
  } else if (requested === 'Cancelled') {
    if (isTerminal(job.status) || job.status === 'Cancelling') throw refuse('it has already ended or is being cancelled.');
    next = 'Cancelling';
  } else {
    throw badRequest(`requestedJobStatus must be Ready or Cancelled, not '${requested ?? ''}'.`);
  }
  job.status = next;
  job.statusSince = ctx.call.now;
  if (reason !== undefined) job.statusUpdateReason = reason;
  advanceJob(ctx.world, job, ctx.call.now);
  return ok(ctx.call, root('UpdateJobStatusResult', el('JobId', job.jobId), el('Status', job.status), optionalEl('StatusUpdateReason', job.statusUpdateReason)));
}

function updateJobPriority(ctx: ControlCall): SandboxResponse {
  const job = findJob(ctx);
  const text = ctx.request.query['priority']?.[0] ?? '';
  const priority = Number(text);
  if (!/^\d+$/.test(text) || priority > 2147483647) throw badRequest(`priority must be an integer from 0 to 2147483647, not '${text}'.`);
  job.request.priority = priority;
  return ok(ctx.call, root('UpdateJobPriorityResult', el('JobId', job.jobId), el('Priority', priority)));
}

const OPERATIONS: Record<Operation, (ctx: ControlCall) => SandboxResponse> = {
  CreateJob: createJob,
  ListJobs: listJobs,
  DescribeJob: describeJob,
  UpdateJobStatus: updateJobStatus,
  UpdateJobPriority: updateJobPriority,
};

function operationOf(request: SandboxRequest): string {
  return routes.match(request.method, request.path)?.operation ?? `${request.method} ${request.path}`;
}

export const s3ControlService: SandboxService = {
  service: 's3control',
  operationOf,
  handle(request: SandboxRequest, call: CallContext, world: World): SandboxResponse {
    const match = routes.match(request.method, request.path);
    if (!match) throw notImplemented('s3control', operationOf(request));
    accountOf(request, call);
    return OPERATIONS[match.operation]({ world, call, request, jobId: match.labels['JobId'] ?? '' });
  },
  renderError(error: AwsError, _request: SandboxRequest, requestId: string): SandboxResponse {
    const fields = Object.entries(error.fields).map(([name, value]) => el(name, String(value)));
    const body = renderXml(el('ErrorResponse', el('Error', el('Code', error.code), el('Message', error.message), fields), el('RequestId', requestId), el('HostId', requestId)));
    return { status: error.status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...error.headers }, body };
  },
};
