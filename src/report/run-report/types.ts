/**
 * What a run report is made from. A report is a pure function of a ReportInput: the checkpoint(s) and journal(s)
 * of the run, plus the drill record for drills. Nothing in a report depends on when it was rendered, so
 * `drctl report RUN_ID` regenerates byte-identical files from the journal (which is itself an audit check).
 */
import type { Checkpoint, RunActor } from '../../engine/checkpoint.js';
import type { RunEvent } from '../../engine/events.js';

export type ReportKind = 'failover' | 'failback' | 'drill';

export interface DrillPhase {
  name: string;
  startedAt: string;
  endedAt?: string;
  outcome: 'ok' | 'failed' | 'skipped';
  detail?: string;
}

export interface DrillMeasurement {
  resource: string;
  /** Measured recovery time; absent when the drill did not get far enough to measure it. */
  rtoMs?: number;
  rtoTargetMs: number;
  rpoMs?: number;
  rpoTargetMs: number;
  /** Where the RPO figure comes from, e.g. "EFS LastReplicatedTimestamp" or "canary object age". */
  rpoSource: string;
}

export interface DrillCheck {
  name: string;
  resource?: string;
  ok: boolean;
  detail: string;
}

export interface DrillSection {
  phases: DrillPhase[];
  measurements: DrillMeasurement[];
  checks: DrillCheck[];
  /** What to run when the drill failed part-way (e.g. the failback command that restores production). */
  restoreHint?: string;
}

export interface ReportRun {
  checkpoint: Checkpoint;
  events: RunEvent[];
}

export interface ReportInput {
  kind: ReportKind;
  runId: string;
  runbook: { name: string; file: string; digest: string };
  resources: string[];
  /** One run for failover/failback; the drill's child runs (failover, failback, ...) in order for a drill. */
  runs: ReportRun[];
  drill?: DrillSection;
  /** Problems met while rebuilding the input (torn journal line, missing child run): shown in every report. */
  notes?: string[];
}

export const DRILL_RECORD_SCHEMA_VERSION = 1;

/**
 * `.drctl/runs/<drillRunId>/drill.json`: the drill's own record. The child runs (ordinary failover/failback runs
 * with `parentRunId` = the drill run id) keep their own checkpoint and journal beside it.
 */
export interface DrillRecord {
  schemaVersion: typeof DRILL_RECORD_SCHEMA_VERSION;
  runId: string;
  runbook: { name: string; file: string; digest: string };
  resources: string[];
  status: 'running' | 'succeeded' | 'failed' | 'refused' | 'declined' | 'interrupted';
  startedAt: string;
  finishedAt?: string;
  startedBy: RunActor;
  /** Child run ids in the order they ran. Runs found only through `parentRunId` are added after these. */
  childRunIds: string[];
  drill: DrillSection;
}
