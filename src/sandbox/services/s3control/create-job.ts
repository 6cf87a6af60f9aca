/**
 * CreateJob: reads the `<CreateJobRequest>` XML into a canonical JobRequest and checks it the way S3 Batch
 * Operations does for Batch Replication (aws-reference.md §4.1): an S3ReplicateObject operation with an
 * S3JobManifestGenerator, a report, a role, a priority, a ClientRequestToken, and the job created in the source
 * bucket's region. Only the Batch Replication subset is emulated; other operations and explicit CSV manifests
 * answer NotImplemented.
 */
import { AwsError } from '../../protocol/errors.js';
import type { World } from '../../world.js';
import { bucketNameFromArn, findBucket } from '../s3/model.js';
import { child, childBoolean, childInteger, childText, childrenNamed, listTexts, type XmlNode } from '../s3/xml-read.js';
import type { JobFilter, JobReportSpec, JobRequest, ManifestGeneratorSpec } from './model.js';

export function badRequest(message: string): AwsError {
  return new AwsError('BadRequestException', 400, message);
}

function timestamp(node: XmlNode | undefined, name: string): number | undefined {
  const text = childText(node, name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw badRequest(`${name} must be an ISO 8601 timestamp, not '${text}'.`);
  return ms;
}

function nonEmptyList(values: string[]): string[] | undefined {
  return values.length ? values : undefined;
}

function readFilter(node: XmlNode | undefined): JobFilter | undefined {
  if (!node) return undefined;
  const names = child(node, 'KeyNameConstraint');
  const filter: JobFilter = {
    eligibleForReplication: childBoolean(node, 'EligibleForReplication'),
    createdAfter: timestamp(node, 'CreatedAfter'),
    createdBefore: timestamp(node, 'CreatedBefore'),
    objectReplicationStatuses: nonEmptyList(listTexts(child(node, 'ObjectReplicationStatuses'))),
    matchAnyPrefix: nonEmptyList(listTexts(child(names, 'MatchAnyPrefix'))),
    matchAnySuffix: nonEmptyList(listTexts(child(names, 'MatchAnySuffix'))),
    matchAnySubstring: nonEmptyList(listTexts(child(names, 'MatchAnySubstring'))),
    objectSizeGreaterThanBytes: childInteger(node, 'ObjectSizeGreaterThanBytes'),
    objectSizeLessThanBytes: childInteger(node, 'ObjectSizeLessThanBytes'),
    matchAnyStorageClass: nonEmptyList(listTexts(child(node, 'MatchAnyStorageClass'))),
  };
  for (const key of Object.keys(filter) as Array<keyof JobFilter>) if (filter[key] === undefined) delete filter[key];
  const allowed = ['NONE', 'FAILED', 'COMPLETED', 'REPLICA'];
  for (const status of filter.objectReplicationStatuses ?? []) {
    if (!allowed.includes(status)) throw badRequest(`ObjectReplicationStatuses accepts ${allowed.join(', ')}; '${status}' is not one of them.`);
  }
  return filter;
}

function readManifestGenerator(root: XmlNode): ManifestGeneratorSpec {
  if (child(root, 'Manifest')) {
    throw new AwsError('NotImplemented', 501, 'The drctl sandbox emulates Batch Replication jobs with a ManifestGenerator only; explicit CSV manifests (Manifest) are not emulated.');
  }
  const generator = child(child(root, 'ManifestGenerator'), 'S3JobManifestGenerator');
  if (!generator) throw badRequest('Either Manifest or ManifestGenerator (S3JobManifestGenerator) is required.');
  const sourceBucketArn = childText(generator, 'SourceBucket');
  if (!sourceBucketArn) throw badRequest('S3JobManifestGenerator.SourceBucket is required (a bucket ARN such as arn:aws:s3:::my-bucket).');
  const enableManifestOutput = childBoolean(generator, 'EnableManifestOutput');
  if (enableManifestOutput === undefined) throw badRequest('S3JobManifestGenerator.EnableManifestOutput is required.');
  const spec: ManifestGeneratorSpec = { sourceBucketArn, enableManifestOutput };
  const owner = childText(generator, 'ExpectedBucketOwner');
  if (owner) spec.expectedBucketOwner = owner;
  const output = child(generator, 'ManifestOutputLocation');
  if (output) {
    const bucketArn = childText(output, 'Bucket');
    const format = childText(output, 'ManifestFormat');
    if (!bucketArn || !format) throw badRequest('ManifestOutputLocation needs Bucket and ManifestFormat.');
    spec.outputLocation = { bucketArn, format };
    const prefix = childText(output, 'ManifestPrefix');
    if (prefix) spec.outputLocation.prefix = prefix;
    const expected = childText(output, 'ExpectedManifestBucketOwner');
    if (expected) spec.outputLocation.expectedBucketOwner = expected;
  }
  if (enableManifestOutput && !spec.outputLocation) throw badRequest('EnableManifestOutput is true but ManifestOutputLocation is missing.');
  const filter = readFilter(child(generator, 'Filter'));
  if (filter) spec.filter = filter;
  return spec;
}

function readReport(root: XmlNode): JobReportSpec {
  const node = child(root, 'Report');
  if (!node) throw badRequest('Report is required (Report.Enabled=false to run without a completion report).');
  const enabled = childBoolean(node, 'Enabled');
  if (enabled === undefined) throw badRequest('Report.Enabled is required.');
  const report: JobReportSpec = { enabled };
  const fields: Array<[keyof JobReportSpec, string]> = [['bucketArn', 'Bucket'], ['format', 'Format'], ['prefix', 'Prefix'], ['scope', 'ReportScope'], ['expectedBucketOwner', 'ExpectedBucketOwner']];
  for (const [field, element] of fields) {
    const value = childText(node, element);
    if (value) (report as unknown as Record<string, string>)[field] = value;
  }
  if (enabled) {
    if (!report.bucketArn || !bucketNameFromArn(report.bucketArn)) throw badRequest('Report.Bucket must be a bucket ARN (arn:aws:s3:::bucket) when the report is enabled.');
    if (report.format !== 'Report_CSV_20180820') throw badRequest(`Report.Format must be Report_CSV_20180820, not '${report.format ?? ''}'.`);
    if (report.scope !== undefined && report.scope !== 'AllTasks' && report.scope !== 'FailedTasksOnly') {
      throw badRequest(`Report.ReportScope must be AllTasks or FailedTasksOnly, not '${report.scope}'.`);
    }
  }
  return report;
}

/** Parses the request body; throws AwsErrors S3 Control would answer. */
export function readCreateJob(root: XmlNode): { request: JobRequest; clientRequestToken: string } {
  if (root.name !== 'CreateJobRequest') throw badRequest(`The request body's root element is <${root.name}>, expected <CreateJobRequest>.`);
  const operation = child(root, 'Operation');
  const kinds = operation?.children.map((c) => c.name) ?? [];
  if (kinds.length !== 1) throw badRequest('Operation must name exactly one job operation.');
  if (kinds[0] !== 'S3ReplicateObject') {
    throw new AwsError('NotImplemented', 501, `The drctl sandbox emulates S3 Batch Operations jobs of type S3ReplicateObject only, not ${kinds[0]}.`);
  }
  const clientRequestToken = childText(root, 'ClientRequestToken');
  if (!clientRequestToken || clientRequestToken.length > 64) throw badRequest('ClientRequestToken is required (1-64 characters).');
  const priority = childInteger(root, 'Priority');
  if (priority === undefined || priority < 0 || priority > 2147483647) throw badRequest('Priority is required: an integer from 0 to 2147483647.');
  const roleArn = childText(root, 'RoleArn');
  if (!roleArn || !/^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/.+/.test(roleArn)) throw badRequest(`RoleArn must be an IAM role ARN, not '${roleArn ?? ''}'.`);
  const description = childText(root, 'Description');
  if (description !== undefined && (description.length < 1 || description.length > 256)) throw badRequest('Description must be 1-256 characters.');
  const request: JobRequest = {
    operation: 'S3ReplicateObject',
    priority,
    roleArn,
    // Omitted means confirmation is required (the job waits in Suspended), as for the CLI without --no-confirmation-required.
    confirmationRequired: childBoolean(root, 'ConfirmationRequired') ?? true,
    ...(description !== undefined ? { description } : {}),
    report: readReport(root),
    manifestGenerator: readManifestGenerator(root),
    tags: childrenNamed(child(root, 'Tags'), 'member').map((tag) => ({ key: childText(tag, 'Key') ?? '', value: childText(tag, 'Value') ?? '' })),
  };
  return { request, clientRequestToken };
}

/** Checks that need the world: the source bucket exists, belongs where expected and is in the job's region. */
export function checkJobPlacement(world: World, request: JobRequest, region: string): void {
  const sourceName = bucketNameFromArn(request.manifestGenerator.sourceBucketArn);
  if (!sourceName) throw badRequest(`SourceBucket must be a bucket ARN (arn:aws:s3:::bucket), not '${request.manifestGenerator.sourceBucketArn}'.`);
  const source = findBucket(world, sourceName);
  if (!source) throw badRequest(`The source bucket ${sourceName} does not exist.`);
  if (source.region !== region) {
    throw badRequest(`Batch Replication jobs must be created in the source bucket's region: ${sourceName} is in ${source.region}, this request went to ${region}. Create the job in ${source.region}.`);
  }
}
