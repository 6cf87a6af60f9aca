/**
 * writeRunReports: every report format for one run (or drill) into a directory, with copies of the journals
 * they were built from, then the seal (manifest.json + SHA256SUMS). Rendering is deterministic, so writing the
 * same input again gives byte-identical files and the same seal.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateDir } from '../../engine/state-dir.js';
import { renderHtmlFromModel } from './html.js';
import { serializeJournal } from './journal.js';
import { renderJsonFromModel } from './json.js';
import { renderJUnitFromModel } from './junit.js';
import { renderMarkdownFromModel } from './markdown.js';
import { buildReportModel } from './model.js';
import { MANIFEST_FILE, SUMS_FILE, sealReport } from './seal.js';
import type { ReportInput } from './types.js';

export const REPORT_FILES = { markdown: 'report.md', html: 'report.html', junit: 'junit.xml', json: 'report.json' } as const;

export interface WrittenReports {
  dir: string;
  /** Every file written, relative to `dir` (manifest.json and SHA256SUMS included). */
  files: string[];
  /** sha256 of manifest.json: print it and keep it outside the directory (see docs/operations.md). */
  manifestSha256: string;
  /** Whether the run (or drill) was ok, as the reports state it. */
  ok: boolean;
  outcome: string;
}

/** `.drctl/reports/<runId>/` (or under --state-dir). */
export function defaultReportDir(stateDir: StateDir, runId: string): string {
  return join(stateDir.reportsDir, runId);
}

/** `journal/<runId>.ndjson`: a run id is a safe file name (checked by readReportInput), so it is used as is. */
export function journalCopyPath(runId: string): string {
  return `journal/${runId}.ndjson`;
}

export async function writeRunReports(input: ReportInput, dir: string): Promise<WrittenReports> {
  const model = buildReportModel(input);
  const finished = new Map<string, string>();
  for (const run of input.runs) {
    for (const e of run.events) if (e.type === 'run.finished' && e.message) finished.set(run.checkpoint.runId, `${run.checkpoint.operation}: ${e.message}`);
  }
  await mkdir(join(dir, 'journal'), { recursive: true });
  const reports: Array<[string, string]> = [
    [REPORT_FILES.markdown, renderMarkdownFromModel(model)],
    [REPORT_FILES.html, renderHtmlFromModel(model)],
    [REPORT_FILES.junit, renderJUnitFromModel(model, finished)],
    [REPORT_FILES.json, `${JSON.stringify(renderJsonFromModel(model), null, 2)}\n`],
  ];
  for (const [file, content] of reports) await writeFile(join(dir, file), content);
  const journals = input.runs.map((run) => ({ runId: run.checkpoint.runId, file: journalCopyPath(run.checkpoint.runId), text: serializeJournal(run.events) }));
  for (const j of journals) await writeFile(join(dir, j.file), j.text);
  const seal = await sealReport({
    dir,
    runId: input.runId,
    files: reports.map(([file]) => file),
    journals: journals.map(({ runId, file }) => ({ runId, file })),
  });
  return {
    dir,
    files: [...reports.map(([file]) => file), ...journals.map((j) => j.file), MANIFEST_FILE, SUMS_FILE],
    manifestSha256: seal.manifestSha256,
    ok: model.ok,
    outcome: model.outcome,
  };
}
