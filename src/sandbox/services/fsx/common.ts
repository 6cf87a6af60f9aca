/**
 * Shared pieces of the FSx emulation: its errors (awsJson `__type`, HTTP 400 — FSx models no status codes),
 * typed reads of the JSON input, ClientRequestToken idempotency, and NextToken pagination.
 */
import { AwsError } from '../../protocol/errors.js';
import type { World } from '../../world.js';
import { fingerprintOf, fsxState, type FileSystemRecord, type FsxRegionState } from './model.js';

export type Input = Record<string, unknown>;

export function badRequest(message: string): AwsError {
  return new AwsError('BadRequest', 400, message);
}

export function incompatibleParameter(parameter: string, message: string): AwsError {
  return new AwsError('IncompatibleParameterError', 400, message, { fields: { Parameter: parameter } });
}

export function fileSystemNotFound(fileSystemId: string, accountId: string, region: string): AwsError {
  return new AwsError('FileSystemNotFound', 400, `File system '${fileSystemId}' does not exist in account ${accountId}, region ${region}.`);
}

export function str(input: Input, name: string, options: { required?: boolean } = {}): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (options.required) throw badRequest(`${name} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw badRequest(`${name} must be a string.`);
  return value;
}

export function requiredStr(input: Input, name: string): string {
  return str(input, name, { required: true }) as string;
}

export function num(input: Input, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${name} must be a number.`);
  return value;
}

export function bool(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${name} must be true or false.`);
  return value;
}

export function strings(input: Input, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`${name} must be a list of strings.`);
  return value as string[];
}

export function object(input: Input, name: string): Input | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${name} must be an object.`);
  return value as Input;
}

export function tagsOf(input: Input): Array<{ Key: string; Value: string }> {
  const value = input['Tags'];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest('Tags must be a list of {Key, Value}.');
  return value.map((tag: Input) => ({ Key: String(tag['Key'] ?? ''), Value: String(tag['Value'] ?? '') }));
}

/**
 * ClientRequestToken idempotency: the same token with the same parameters names the resource created first;
 * with different parameters it is IncompatibleParameterError naming the first parameter that differs.
 * `parameters` excludes the token itself. Returns the earlier resource id, or undefined for a new request.
 */
export function replayedRequest(state: FsxRegionState, operation: string, token: string | undefined, parameters: Input): string | undefined {
  if (!token) return undefined;
  const earlier = state.tokens[`${operation}:${token}`];
  if (!earlier) return undefined;
  const now = fingerprintEach(parameters);
  const names = new Set([...Object.keys(now), ...Object.keys(earlier.parameters)]);
  for (const name of names) {
    if (now[name] !== earlier.parameters[name]) {
      throw incompatibleParameter(name, `ClientRequestToken '${token}' was already used for ${operation} with a different ${name}. Reuse a token only to retry the very same request.`);
    }
  }
  return earlier.resourceId;
}

export function rememberRequest(state: FsxRegionState, operation: string, token: string | undefined, parameters: Input, resourceId: string): void {
  if (!token) return;
  const fingerprints = fingerprintEach(parameters);
  state.tokens[`${operation}:${token}`] = { resourceId, fingerprint: fingerprintOf(fingerprints), parameters: fingerprints };
}

function fingerprintEach(parameters: Input): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined && name !== 'ClientRequestToken') out[name] = fingerprintOf(value);
  return out;
}

/** A page of `items` after the NextToken (an opaque offset), at most `max`. */
export function paginate<T>(items: T[], input: Input, defaultMax: number): { page: T[]; nextToken?: string } {
  const max = num(input, 'MaxResults') ?? defaultMax;
  if (!Number.isInteger(max) || max < 1) throw badRequest('MaxResults must be a positive integer.');
  const token = str(input, 'NextToken');
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw badRequest('NextToken is not one this sandbox issued.');
  const page = items.slice(offset, offset + max);
  return offset + max < items.length ? { page, nextToken: Buffer.from(String(offset + max)).toString('base64url') } : { page };
}

/** The caller's file system, or FileSystemNotFound. */
export function requireFileSystem(world: World, accountId: string, region: string, fileSystemId: string): FileSystemRecord {
  const fs = fsxState(world, accountId, region).fileSystems[fileSystemId];
  if (!fs) throw fileSystemNotFound(fileSystemId, accountId, region);
  return fs;
}
