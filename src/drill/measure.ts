/**
 * RTO and RPO from what the runs recorded. Pure: the same checkpoints always give the same figures.
 *
 * RTO: from the start of the failover run to the moment the DR side was usable (the end of the failover run).
 * RPO: the replication point the promotion accepted (EFS: promotedAt − LastReplicatedTimestamp), else the lag the
 * preflight measured, else how long the canary took to reach the DR side.
 */
import type { Checkpoint } from '../engine/checkpoint.js';
import type { DrillMeasurement } from '../report/run-report/types.js';
import type { Resource } from '../runbook/schema.js';
import { parseDuration } from '../util/duration.js';

export type Measurement = DrillMeasurement;

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Failover duration for one resource: first step start → last step end. */
export function measureRto(failover: Checkpoint, resource: string): number | undefined {
  const steps = failover.steps.filter((s) => s.resource === resource);
  const start = time(failover.startedAt);
  const ends = steps.map((s) => time(s.endedAt)).filter((t): t is number => t !== undefined);
  if (start === undefined || ends.length === 0 || steps.some((s) => s.status !== 'done' && s.status !== 'skipped')) return undefined;
  return Math.max(...ends) - start;
}

export function measureRpo(failover: Checkpoint, resource: string, canaryLagMs: number | undefined): { rpoMs?: number; source: string } {
  const steps = failover.steps.filter((s) => s.resource === resource);
  for (const step of steps) {
    const promotedAt = time(step.outputs.promotedAt);
    const point = time(step.outputs.rpoPointAt);
    if (promotedAt !== undefined && point !== undefined) return { rpoMs: Math.max(0, promotedAt - point), source: 'replication point accepted at promotion (EFS LastReplicatedTimestamp)' };
  }
  for (const step of steps) {
    const lag = step.outputs.lagSeconds;
    if (typeof lag === 'number') return { rpoMs: lag * 1000, source: `replication lag measured by ${step.id}` };
  }
  if (canaryLagMs !== undefined) return { rpoMs: canaryLagMs, source: 'time for the canary to reach the DR side' };
  return { source: 'not measured' };
}

export function planMeasurement(name: string, resource: Resource, failover: Checkpoint | undefined, canaryLagMs: number | undefined): Measurement {
  const rtoTargetMs = parseDuration(resource.rto) ?? 0;
  const rpoTargetMs = parseDuration(resource.rpo) ?? 0;
  if (!failover) return { resource: name, rtoTargetMs, rpoTargetMs, rpoSource: 'not measured (failover did not run)' };
  const rto = measureRto(failover, name);
  const rpo = measureRpo(failover, name, canaryLagMs);
  return {
    resource: name,
    rtoTargetMs,
    rpoTargetMs,
    rpoSource: rpo.source,
    ...(rto === undefined ? {} : { rtoMs: rto }),
    ...(rpo.rpoMs === undefined ? {} : { rpoMs: rpo.rpoMs }),
  };
}
