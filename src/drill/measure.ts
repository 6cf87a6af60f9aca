/**
 * RTO and RPO from what the runs recorded. Pure: the same checkpoints always give the same figures.
 *
 * RTO: from the start of the failover run to the moment the DR side was usable (the end of the failover run).
 * RPO: the replication point the promotion accepted (EFS: promotedAt − LastReplicatedTimestamp), else the lag the
 * preflight measured, else how long the canary took to travel from the primary to the DR copy (S3: bucket to
 * bucket; Lustre: export, replication, DR bucket — what a failover imports).
 */
import type { Checkpoint } from '../engine/checkpoint.js';
import type { DrillMeasurement } from '../report/run-report/types.js';
import type { Resource } from '../runbook/schema.js';
import { parseDuration } from '../util/duration.js';

export type Measurement = DrillMeasurement;

/** How long the drill's canary took to reach the DR copy, and the way it went (for the RPO's source). */
export interface CanaryTravel {
  lagMs: number;
  route: string;
}

const CANARY_SOURCE = 'time for the canary to travel ';

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

function canaryRpo(canary: CanaryTravel): { rpoMs: number; source: string } {
  return { rpoMs: canary.lagMs, source: `${CANARY_SOURCE}${canary.route}` };
}

export function measureRpo(failover: Checkpoint, resource: string, canary: CanaryTravel | undefined): { rpoMs?: number; source: string } {
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
  if (canary) return canaryRpo(canary);
  return { source: 'not measured' };
}

/**
 * The canary travel an earlier attempt of the drill measured, from its recorded measurement: a resumed drill does
 * not write the canary again, so this is the only place the figure survives.
 */
export function canaryTravelOf(measurement: Measurement): CanaryTravel | undefined {
  if (measurement.rpoMs === undefined || !measurement.rpoSource.startsWith(CANARY_SOURCE)) return undefined;
  return { lagMs: measurement.rpoMs, route: measurement.rpoSource.slice(CANARY_SOURCE.length) };
}

export function planMeasurement(name: string, resource: Resource, failover: Checkpoint | undefined, canary: CanaryTravel | undefined): Measurement {
  const rtoTargetMs = parseDuration(resource.rto) ?? 0;
  const rpoTargetMs = parseDuration(resource.rpo) ?? 0;
  if (!failover) {
    // The canary's travel is already a measurement of the replication lag; keep it so a resumed drill reports it.
    if (canary) return { resource: name, rtoTargetMs, rpoTargetMs, rpoSource: canaryRpo(canary).source, rpoMs: canary.lagMs };
    return { resource: name, rtoTargetMs, rpoTargetMs, rpoSource: 'not measured (failover did not run)' };
  }
  const rto = measureRto(failover, name);
  const rpo = measureRpo(failover, name, canary);
  return {
    resource: name,
    rtoTargetMs,
    rpoTargetMs,
    rpoSource: rpo.source,
    ...(rto === undefined ? {} : { rtoMs: rto }),
    ...(rpo.rpoMs === undefined ? {} : { rpoMs: rpo.rpoMs }),
  };
}
