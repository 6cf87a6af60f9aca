/**
 * Checks on `--output json`: the NDJSON event stream is a public contract (stable `type` names, a schemaVersion,
 * one run id per run), so the e2e tests check it on every run they parse.
 */
import { expect } from 'vitest';
import { isReadOnlyOperation } from '../../../src/aws/operations.js';
import type { ServiceName } from '../../../src/aws/operations.js';
import type { JsonEvent } from '../../helpers/spawn-drctl.js';

/** Every `type` the engine emits (src/engine/events.ts). A new type is a contract change: add it here on purpose. */
export const KNOWN_EVENT_TYPES = [
  'run.started',
  'identity.verified',
  'step.started',
  'step.planned',
  'step.applying',
  'step.waiting',
  'step.retrying',
  'step.done',
  'step.failed',
  'approval.requested',
  'approval.granted',
  'approval.declined',
  'aws.call',
  'note',
  'run.finished',
] as const;

/** Events of one run: known types, schemaVersion 1, ISO times, a single run id; started first, finished last. */
export function expectOneWellFormedRun(events: JsonEvent[]): { runId: string; started: JsonEvent; finished: JsonEvent } {
  expect(events.length).toBeGreaterThan(1);
  for (const event of events) {
    expect(KNOWN_EVENT_TYPES).toContain(event.type);
    expect(event.schemaVersion).toBe(1);
    expect(typeof event.time === 'string' && !Number.isNaN(Date.parse(event.time))).toBe(true);
  }
  const runIds = new Set(events.map((e) => e.runId));
  expect(runIds.size).toBe(1);
  const started = events[0];
  const finished = events[events.length - 1];
  if (!started || !finished) throw new Error('no events');
  expect(started.type).toBe('run.started');
  expect(finished.type).toBe('run.finished');
  return { runId: String(started.runId), started, finished };
}

export function eventsOfType(events: JsonEvent[], type: (typeof KNOWN_EVENT_TYPES)[number]): JsonEvent[] {
  return events.filter((e) => e.type === type);
}

/** `service:Operation` of every AWS call the events record that is not a read. */
export function mutatingCalls(events: JsonEvent[]): string[] {
  return eventsOfType(events, 'aws.call')
    .filter((e) => !isReadOnlyOperation(e.service as ServiceName, String(e.operation)))
    .map((e) => `${String(e.service)}:${String(e.operation)}`);
}
