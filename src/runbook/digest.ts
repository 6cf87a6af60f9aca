/**
 * The runbook digest stored in checkpoints: sha256 of a canonical JSON (keys sorted) of the *parsed* runbook,
 * so comments, key order, quoting and spelled-out defaults do not make a checkpoint stale; values do.
 */
import { createHash } from 'node:crypto';
import type { Runbook } from './schema.js';

/** JSON with object keys sorted at every level; undefined members are left out as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function digestRunbook(runbook: Runbook): string {
  return createHash('sha256').update(canonicalJson(runbook)).digest('hex');
}
