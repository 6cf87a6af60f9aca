/**
 * readReportInput: rebuilds a report's input from the state dir alone — a run's checkpoint.json and
 * journal.ndjson, or a drill's drill.json plus its child runs — so `drctl report RUN_ID` regenerates every report
 * long after the run. Problems that do not prevent a report (a torn journal line, a missing journal or child run)
 * become notes printed in the report instead of errors.
 */
import { readFile, readdir } from 'node:fs/promises';
import type { Checkpoint, RunActor } from '../../engine/checkpoint.js';
import { readAllCheckpoints, readCheckpoint } from '../../engine/checkpoint.js';
import type { StateDir } from '../../engine/state-dir.js';
import { InputError } from '../../errors.js';
import { closestMatch } from '../../runbook/suggest.js';
import { readDrillRecord } from './drill-record.js';
import { parseJournal } from './journal.js';
import { checkpointFromPlanJournal } from './plan-run.js';
import type { ReportInput, ReportRun } from './types.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function readJournalText(stateDir: StateDir, runId: string): Promise<string | undefined> {
  try {
    return await readFile(stateDir.journalFile(runId), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function readRun(stateDir: StateDir, checkpoint: Checkpoint, notes: string[]): Promise<ReportRun> {
  const text = await readJournalText(stateDir, checkpoint.runId);
  if (text === undefined) {
    notes.push(`run ${checkpoint.runId} has no journal (${stateDir.journalFile(checkpoint.runId)}): steps come from the checkpoint, AWS request ids are not available`);
    return { checkpoint, events: [] };
  }
  const { events, badLines } = parseJournal(text);
  if (badLines.length > 0) {
    notes.push(`journal of run ${checkpoint.runId}: line${badLines.length > 1 ? 's' : ''} ${badLines.join(', ')} could not be read (torn write?) and ${badLines.length > 1 ? 'were' : 'was'} left out`);
  }
  return { checkpoint, events };
}

/**
 * A run's checkpoint, or — for a dry run, which keeps only a journal — one rebuilt from that journal
 * (`actor` stands in for the person, whom a plan does not record).
 */
async function readRunOrPlan(stateDir: StateDir, runId: string, notes: string[], actor?: RunActor): Promise<ReportRun | undefined> {
  const checkpoint = await readCheckpoint(stateDir, runId);
  if (checkpoint) return readRun(stateDir, checkpoint, notes);
  const text = await readJournalText(stateDir, runId);
  if (text === undefined) return undefined;
  const { events } = parseJournal(text);
  const rebuilt = checkpointFromPlanJournal(runId, events, actor);
  return rebuilt ? readRun(stateDir, rebuilt, notes) : undefined;
}

async function knownRunIds(stateDir: StateDir): Promise<string[]> {
  try {
    return (await readdir(stateDir.runsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The run id as given, or the only recorded run id it is a prefix of. */
async function resolveRunId(stateDir: StateDir, runId: string): Promise<string> {
  if (!RUN_ID.test(runId)) {
    throw new InputError('invalid-run-id', `'${runId}' is not a run id`, { hint: 'Run ids look like 20260101T020304Z-failover-a1b2c3; `drctl status` lists them.' });
  }
  const known = await knownRunIds(stateDir);
  if (known.includes(runId)) return runId;
  const prefixed = known.filter((id) => id.startsWith(runId));
  if (prefixed.length === 1 && prefixed[0]) return prefixed[0];
  const suggestion = prefixed.length > 1 ? undefined : closestMatch(runId, known);
  const recent = known.slice(-5).reverse();
  throw new InputError('unknown-run', `no run '${runId}' is recorded under ${stateDir.runsDir}`, {
    hint:
      prefixed.length > 1
        ? `'${runId}' starts ${prefixed.length} run ids (${prefixed.slice(0, 5).join(', ')}): give more of it.`
        : `${suggestion ? `Did you mean ${suggestion}? ` : ''}${recent.length > 0 ? `Recent runs: ${recent.join(', ')}. ` : ''}\`drctl status\` lists runs; pass --state-dir if the run was recorded elsewhere.`,
  });
}

export async function readReportInput(stateDir: StateDir, requestedRunId: string): Promise<ReportInput> {
  const runId = await resolveRunId(stateDir, requestedRunId);
  const notes: string[] = [];
  const drill = await readDrillRecord(stateDir, runId);
  if (drill) {
    const linked = (await readAllCheckpoints(stateDir))
      .filter((cp) => cp.parentRunId === runId)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
    const order = [...drill.childRunIds, ...linked.map((cp) => cp.runId).filter((id) => !drill.childRunIds.includes(id))];
    const runs: ReportRun[] = [];
    for (const childId of order) {
      const run = RUN_ID.test(childId) ? await readRunOrPlan(stateDir, childId, notes, drill.startedBy) : undefined;
      if (!run) {
        notes.push(`child run ${childId} of drill ${runId} has no checkpoint or journal under ${stateDir.runsDir}: its steps are missing from this report`);
        continue;
      }
      runs.push(run);
    }
    return { kind: 'drill', runId, runbook: drill.runbook, resources: drill.resources, runs, drill: drill.drill, notes };
  }
  const run = await readRunOrPlan(stateDir, runId, notes);
  if (!run) {
    throw new InputError('unknown-run', `run ${runId} has no checkpoint.json, journal.ndjson or drill.json in ${stateDir.runDir(runId)}`, {
      hint: 'The run directory is incomplete (deleted or copied partly). `drctl status` lists the recorded runs.',
    });
  }
  const checkpoint = run.checkpoint;
  return {
    kind: checkpoint.operation,
    runId,
    runbook: { name: checkpoint.runbook, file: checkpoint.runbookFile, digest: checkpoint.digest },
    resources: checkpoint.resources,
    runs: [run],
    notes,
  };
}
