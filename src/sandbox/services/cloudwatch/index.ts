/**
 * CloudWatch GetMetricData for `AWS/EFS TimeSinceLastSync`. The JS SDK and botocore speak awsJson1_0 with
 * `x-amzn-query-mode: true` (awsQueryCompatible errors); older CLIs (Debian aws 2.9) speak awsQuery and need XML.
 * The request's protocol picks the response's. Other metrics answer an empty, Complete series.
 */
import { awsJsonError, awsJsonOperation, awsJsonResponse, isAwsJsonRequest, readAwsJsonBody } from '../../protocol/aws-json.js';
import { decodeQueryInput, queryError, queryResponse, readQueryParams, type QueryValue } from '../../protocol/aws-query.js';
import { AwsError, notImplemented } from '../../protocol/errors.js';
import { el } from '../../protocol/xml.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from '../../types.js';
import type { World } from '../../world.js';
import { findVisibleLink, timeSinceLastSyncSeries, type Statistic } from '../efs/metrics.js';

const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const NAMESPACE = 'com.amazonaws.cloudwatch';
/** awsQuery error code → the modelled shape name the JSON protocol puts in `__type`. */
const SHAPE_NAMES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  InternalServiceError: 'InternalServiceFault',
  InvalidNextToken: 'InvalidNextToken',
};

interface MetricQuery {
  id: string;
  label?: string;
  namespace?: string;
  metricName?: string;
  dimensions: Record<string, string>;
  period: number;
  stat: string;
  returnData: boolean;
}

interface MetricResult {
  id: string;
  label: string;
  timestamps: number[];
  values: number[];
}

export const cloudWatchService: SandboxService = {
  service: 'cloudwatch',

  operationOf(request: SandboxRequest): string | undefined {
    return isAwsJsonRequest(request) ? awsJsonOperation(request) : readQueryParams(request)['Action'];
  },

  handle(request: SandboxRequest, call: CallContext, world: World): SandboxResponse {
    const json = isAwsJsonRequest(request);
    const operation = this.operationOf(request);
    if (operation !== 'GetMetricData') throw notImplemented('cloudwatch', operation ?? '(no operation)');
    if (json) {
      const input = parseJson(request);
      const results = getMetricData(world, call, parseJsonQueries(input['MetricDataQueries']), epochSeconds(input['StartTime'], 'StartTime'), epochSeconds(input['EndTime'], 'EndTime'));
      return awsJsonResponse('1.0', {
        MetricDataResults: results.map((r) => ({ Id: r.id, Label: r.label, Timestamps: r.timestamps.map((t) => t / 1000), Values: r.values, StatusCode: 'Complete' })),
        Messages: [],
      });
    }
    const input = decodeQueryInput(readQueryParams(request));
    const results = getMetricData(world, call, parseQueryQueries(input['MetricDataQueries']), isoTime(input['StartTime'], 'StartTime'), isoTime(input['EndTime'], 'EndTime'));
    return queryResponse('GetMetricData', XMLNS, call.requestId, [
      el(
        'MetricDataResults',
        results.map((r) =>
          el(
            'member',
            el('Id', r.id),
            el('Label', r.label),
            el('Timestamps', r.timestamps.map((t) => el('member', new Date(t)))),
            el('Values', r.values.map((v) => el('member', v))),
            el('StatusCode', 'Complete'),
          ),
        ),
      ),
      el('Messages'),
    ]);
  },

  renderError(error: AwsError, request: SandboxRequest, requestId: string): SandboxResponse {
    if (isAwsJsonRequest(request)) {
      return awsJsonError('1.0', error, { namespace: NAMESPACE, shapeName: SHAPE_NAMES[error.code] ?? error.code, queryCompatible: true });
    }
    return queryError(error, requestId, XMLNS);
  },
};

function getMetricData(world: World, call: CallContext, queries: MetricQuery[], startMs: number, endMs: number): MetricResult[] {
  if (queries.length === 0) throw new AwsError('MissingParameter', 400, 'The parameter MetricDataQueries is required.');
  if (endMs <= startMs) throw new AwsError('InvalidParameterValue', 400, 'The parameter StartTime must be less than the parameter EndTime.');
  return queries
    .filter((q) => q.returnData)
    .map((q) => {
      const label = q.label ?? q.metricName ?? q.id;
      const empty = { id: q.id, label, timestamps: [], values: [] };
      if (q.namespace !== 'AWS/EFS' || q.metricName !== 'TimeSinceLastSync') return empty;
      const source = q.dimensions['FileSystemId'];
      if (!source) return empty;
      const link = findVisibleLink(world, call.accountId, call.region, source, q.dimensions['DestinationFileSystemId']);
      if (!link) return empty;
      const series = timeSinceLastSyncSeries(world, link, startMs, endMs, q.period, q.stat as Statistic);
      return { id: q.id, label, timestamps: series.timestamps, values: series.values };
    });
}

function parseJson(request: SandboxRequest): Record<string, unknown> {
  try {
    return readAwsJsonBody(request);
  } catch {
    throw new AwsError('InvalidParameterValue', 400, 'The request body is not valid JSON.');
  }
}

function parseJsonQueries(value: unknown): MetricQuery[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => toQuery(raw as Record<string, unknown>));
}

function parseQueryQueries(value: QueryValue | undefined): MetricQuery[] {
  return Array.isArray(value) ? value.map((raw) => toQuery(raw as Record<string, unknown>)) : [];
}

/** Shared by both protocols: the query protocol's values are strings, JSON's are typed. */
function toQuery(raw: Record<string, unknown>): MetricQuery {
  const id = typeof raw['Id'] === 'string' ? raw['Id'] : '';
  if (!id) throw new AwsError('MissingParameter', 400, 'The parameter MetricDataQueries.member.N.Id is required.');
  const stat = (raw['MetricStat'] ?? {}) as Record<string, unknown>;
  const metric = (stat['Metric'] ?? {}) as Record<string, unknown>;
  const dimensions: Record<string, string> = {};
  for (const d of Array.isArray(metric['Dimensions']) ? (metric['Dimensions'] as Array<Record<string, unknown>>) : []) {
    if (typeof d['Name'] === 'string' && typeof d['Value'] === 'string') dimensions[d['Name']] = d['Value'];
  }
  if (raw['MetricStat'] === undefined) {
    throw new AwsError('InvalidParameterValue', 400, `Query ${id}: the sandbox supports MetricStat queries only (no Expression).`);
  }
  return {
    id,
    ...(typeof raw['Label'] === 'string' ? { label: raw['Label'] } : {}),
    ...(typeof metric['Namespace'] === 'string' ? { namespace: metric['Namespace'] } : {}),
    ...(typeof metric['MetricName'] === 'string' ? { metricName: metric['MetricName'] } : {}),
    dimensions,
    period: Number(stat['Period'] ?? 60),
    stat: String(stat['Stat'] ?? 'Maximum'),
    returnData: raw['ReturnData'] === undefined || raw['ReturnData'] === true || raw['ReturnData'] === 'true',
  };
}

function epochSeconds(value: unknown, name: string): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') return isoTime(value, name);
  throw new AwsError('MissingParameter', 400, `The parameter ${name} is required.`);
}

function isoTime(value: unknown, name: string): number {
  const ms = typeof value === 'string' ? (/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value)) : Number.NaN;
  if (!Number.isFinite(ms)) throw new AwsError(value === undefined ? 'MissingParameter' : 'InvalidParameterValue', 400, `The parameter ${name} is required as an ISO 8601 time.`);
  return ms;
}
