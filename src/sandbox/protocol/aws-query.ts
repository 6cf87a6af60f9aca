/**
 * awsQuery (STS; CloudWatch for old CLIs): form-encoded requests decoded into nested objects, XML responses
 * wrapped exactly as `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata>` (a missing `<OpResult>` makes
 * the SDK return `{}` silently), and `<ErrorResponse><Error><Type/><Code/><Message/></Error>` errors.
 */
import type { SandboxRequest, SandboxResponse } from '../types.js';
import type { AwsError } from './errors.js';
import { el, elWithAttributes, renderXml, type XmlChild } from './xml.js';

export function isQueryRequest(request: SandboxRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') || 'Action' in request.query;
}

/** Flat form parameters from the body (POST) merged over the query string (GET). */
export function readQueryParams(request: SandboxRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, values] of Object.entries(request.query)) if (values[0] !== undefined) params[key] = values[0];
  for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) params[key] = value;
  return params;
}

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/**
 * Nests flat query keys: `A.member.1.B=x` → `{A: [{B: 'x'}]}`, `M.entry.1.key=k&M.entry.1.value=v` → `{M: {k: v}}`,
 * `A.B=x` → `{A: {B: 'x'}}`. Lists come out in index order.
 */
export function decodeQueryInput(params: Record<string, string>): Record<string, QueryValue> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === 'Action' || key === 'Version') continue;
    setPath(root, key.split('.'), value);
  }
  return finalise(root) as Record<string, QueryValue>;
}

const LIST_MARK = Symbol('list');
const MAP_MARK = Symbol('map');
type Node = Record<string | symbol, unknown>;

function setPath(node: Node, parts: string[], value: string): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if ((head === 'member' || head === 'entry') && rest.length > 0) {
    node[head === 'member' ? LIST_MARK : MAP_MARK] = true;
    const [index, ...tail] = rest;
    const child = (node[`#${index}`] ??= {}) as Node;
    if (tail.length === 0) node[`#${index}`] = value;
    else setPath(child, tail, value);
    return;
  }
  if (rest.length === 0) {
    node[head] = value;
    return;
  }
  const child = (typeof node[head] === 'object' && node[head] !== null ? node[head] : (node[head] = {})) as Node;
  setPath(child, rest, value);
}

function finalise(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const n = node as Node;
  const indexed = () =>
    Object.keys(n)
      .filter((k) => k.startsWith('#'))
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
      .map((k) => finalise(n[k]));
  if (n[LIST_MARK]) return indexed();
  if (n[MAP_MARK]) {
    const out: Record<string, unknown> = {};
    for (const entry of indexed() as Array<Record<string, unknown>>) out[String(entry['key'])] = entry['value'];
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(n)) out[key] = finalise(n[key]);
  return out;
}

export function queryResponse(action: string, xmlns: string, requestId: string, result: XmlChild[]): SandboxResponse {
  const body = renderXml(
    elWithAttributes(
      `${action}Response`,
      { xmlns },
      el(`${action}Result`, ...result),
      el('ResponseMetadata', el('RequestId', requestId)),
    ),
  );
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

export function queryError(error: AwsError, requestId: string, xmlns?: string): SandboxResponse {
  const fields = Object.entries(error.fields).map(([k, v]) => el(k, v));
  const root = elWithAttributes(
    'ErrorResponse',
    xmlns ? { xmlns } : {},
    el('Error', el('Type', error.type), el('Code', error.code), el('Message', error.message), ...fields),
    el('RequestId', requestId),
  );
  return { status: error.status, headers: { 'content-type': 'text/xml', ...error.headers }, body: renderXml(root) };
}
