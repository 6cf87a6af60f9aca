/**
 * The journal as evidence: the exact NDJSON form the engine appends (one JSON.stringify per line), parsing that
 * tolerates a torn last line (a crash mid-append), and the sha256 digests the reports and the seal refer to.
 */
import { createHash } from 'node:crypto';
import type { RunEvent } from '../../engine/events.js';

export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Events back to journal text, byte for byte as the engine wrote them. */
export function serializeJournal(events: readonly RunEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

export interface ParsedJournal {
  events: RunEvent[];
  /** 1-based line numbers that were not JSON objects (skipped, and reported in the notes of the report). */
  badLines: number[];
}

export function parseJournal(text: string): ParsedJournal {
  const events: RunEvent[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') {
        events.push(value as RunEvent);
      } else {
        badLines.push(index + 1);
      }
    } catch {
      badLines.push(index + 1);
    }
  });
  return { events, badLines };
}

/**
 * The digest over the journals of a report's runs, in run order: sha256 of their concatenated NDJSON. An
 * auditor recomputes it with `cat journal/<run 1>.ndjson journal/<run 2>.ndjson ... | sha256sum`.
 */
export function journalDigest(runs: ReadonlyArray<{ events: readonly RunEvent[] }>): string {
  return sha256Hex(runs.map((run) => serializeJournal(run.events)).join(''));
}
