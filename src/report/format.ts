/**
 * Small pure formatting helpers shared by the reporters and renderers: durations, timestamps, parameters,
 * AWS call targets and error lines. No colour here; callers colour the pieces they want emphasised.
 */
import type { EventError } from '../engine/events.js';
import type { PlannedCall } from '../steps/types.js';
import { renderDuration } from '../util/duration.js';

/** 12345 → "12.3s", 950 → "0.9s", 252000 → "4m12s": tenths matter for short steps, not for long ones. */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)}s`;
  return renderDuration(ms);
}

/** "2026-01-01T00:00:00.123Z" → "2026-01-01T00:00:00Z": second precision is what log readers scan for. */
export function formatTimestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

/** How long ago, for status and lock messages: "12m ago", "just now". */
export function formatAge(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'at an unknown time';
  const ms = now - then;
  if (ms < 1000) return 'just now';
  return `${renderDuration(ms)} ago`;
}

/** A parameter value on one line: strings bare unless they contain spaces, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

/** `{ A: 1, B: 'x' }` → "A=1 B=x" (undefined values are left out: the SDK omits them too). */
export function formatParams(params: Record<string, unknown>): string {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
}

/** "dr (222222222222) us-west-2", or "dr us-west-2" when the account id is not known. */
export function formatTarget(account: string, accountId: string | undefined, region: string): string {
  return accountId && accountId !== account ? `${account} (${accountId}) ${region}` : `${account} ${region}`;
}

/** A planned call as one plan line: "efs DeleteReplicationConfiguration  dr (222222222222) us-west-2  K=V ...". */
export function formatPlannedCall(call: PlannedCall, accountIds: ReadonlyMap<string, string>): string {
  const head = `${call.service} ${call.operation}  ${formatTarget(call.account, accountIds.get(call.account), call.region)}`;
  const params = formatParams(call.params);
  return params ? `${head}  ${params}` : head;
}

/** The AWS part of an error, e.g. "AWS ReplicationNotFound, request id 3f2a…"; empty when not an AWS error. */
export function formatAwsSuffix(awsErrorName: string | undefined, requestId: string | undefined): string {
  const parts: string[] = [];
  if (awsErrorName) parts.push(`AWS ${awsErrorName}`);
  if (requestId) parts.push(`request id ${requestId}`);
  return parts.join(', ');
}

/** An event error on one line (plain mode, journal summaries): "code: message (AWS X, request id Y)". */
export function formatEventError(error: EventError): string {
  const aws = formatAwsSuffix(error.awsErrorName, error.requestId);
  return `${error.code}: ${error.message}${aws ? ` (${aws})` : ''}`;
}

/** Collapses newlines so a value stays on its line in plain, greppable output. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * A 404 "not found" answer is how steps observe that something is absent (no replication configuration, no
 * such job): an expected answer, not a failure, so it is shown only with verbose output.
 */
export function isQuietAwsError(event: { outcome: string; httpStatus?: number; errorName?: string }): boolean {
  return event.outcome === 'error' && event.httpStatus === 404 && /NotFound|^NoSuch/.test(event.errorName ?? '');
}
