/**
 * The drill's own record, `.drctl/runs/<drillRunId>/drill.json` (shape: DrillRecord in types.ts). The drill
 * orchestration writes it after every phase; reports read it back with the child runs' checkpoints and journals.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateDir } from '../../engine/state-dir.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { DRILL_RECORD_SCHEMA_VERSION, type DrillRecord } from './types.js';

export function drillRecordFile(stateDir: StateDir, drillRunId: string): string {
  return join(stateDir.runDir(drillRunId), 'drill.json');
}

export async function writeDrillRecord(stateDir: StateDir, record: DrillRecord): Promise<void> {
  await writeFileAtomic(drillRecordFile(stateDir, record.runId), `${JSON.stringify(record, null, 2)}\n`);
}

/** The record, undefined when the run is not a drill; throws on a file that is not a drill record. */
export async function readDrillRecord(stateDir: StateDir, drillRunId: string): Promise<DrillRecord | undefined> {
  let text: string;
  try {
    text = await readFile(drillRecordFile(stateDir, drillRunId), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const record = JSON.parse(text) as Partial<DrillRecord>;
  if (record.schemaVersion !== DRILL_RECORD_SCHEMA_VERSION || !Array.isArray(record.childRunIds) || !record.drill) {
    throw new Error(`${drillRecordFile(stateDir, drillRunId)} is not a drill record of version ${DRILL_RECORD_SCHEMA_VERSION}`);
  }
  return record as DrillRecord;
}
