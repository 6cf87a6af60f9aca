/** Drill records: a new one per drill, or the unfinished one a re-run of the same drill resumes. */
import { readdir } from 'node:fs/promises';
import { newRunId } from '../engine/run.js';
import { readDrillRecord } from '../report/run-report/drill-record.js';
import { DRILL_RECORD_SCHEMA_VERSION } from '../report/run-report/types.js';
import type { DrillRecord } from '../report/run-report/types.js';
import type { DrillRequest } from './types.js';

export type DrillKind = 'drill' | 'drill-readiness';

export function newDrillRecord(req: DrillRequest, kind: DrillKind): DrillRecord {
  return {
    schemaVersion: DRILL_RECORD_SCHEMA_VERSION,
    runId: newRunId(req.clock, kind),
    runbook: { name: req.runbookName, file: req.runbookFile, digest: req.digest },
    resources: req.resources,
    status: 'running',
    startedAt: new Date(req.clock.now()).toISOString(),
    startedBy: req.actor,
    childRunIds: [],
    drill: { phases: [], measurements: [], checks: [] },
  };
}

/** A full drill id, not a readiness check's (`…-drill-readiness-…`): only full drills are resumed. */
function isFullDrillId(runId: string): boolean {
  return /-drill-[0-9a-f]+$/.test(runId);
}

/** The newest full drill of this runbook that did not succeed, if any. */
export async function findUnfinishedDrill(req: DrillRequest): Promise<DrillRecord | undefined> {
  let ids: string[] = [];
  try {
    ids = await readdir(req.stateDir.runsDir);
  } catch {
    return undefined;
  }
  const drills: DrillRecord[] = [];
  for (const id of ids.filter(isFullDrillId)) {
    const record = await readDrillRecord(req.stateDir, id).catch(() => undefined);
    if (record && record.runbook.name === req.runbookName && record.status !== 'succeeded') drills.push(record);
  }
  return drills.sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}
