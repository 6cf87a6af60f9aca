/**
 * drctl report RUN_ID: regenerates every report of a run or drill from its checkpoint and journal (the same
 * files a run writes), sealed with sha256 digests. `drctl report --verify DIR [--seal SHA256]` checks a report
 * directory for tampering; it exits 1 when anything does not match.
 */
import { resolve } from 'node:path';
import { ExitCode, InputError } from '../../errors.js';
import { stateDirAt } from '../../engine/state-dir.js';
import type { Output } from '../../report/output.js';
import { defaultReportDir, readReportInput, verifyReportDir, writeRunReports, type VerifyResult, type WrittenReports } from '../../report/run-report/index.js';

export interface ReportOptions {
  runId?: string;
  stateDir?: string;
  reportDir?: string;
  /** A report directory to verify instead of regenerating. */
  verify?: string;
  /** The manifest digest recorded when the reports were written. */
  seal?: string;
  output?: string;
}

function renderWritten(w: WrittenReports, runId: string): string {
  return [
    `Reports for ${runId} (${w.outcome}) written to ${w.dir}:`,
    ...w.files.map((f) => `  ${f}`),
    `Seal (sha256 of manifest.json): ${w.manifestSha256}`,
    `Keep the seal outside this directory; verify later with: drctl report --verify ${w.dir} --seal ${w.manifestSha256}`,
  ].join('\n');
}

function renderVerify(v: VerifyResult): string {
  const lines = v.ok
    ? [`${v.dir}: ok — ${v.checked} sealed files match${v.manifestSha256 ? ` (seal ${v.manifestSha256})` : ''}.`]
    : [`${v.dir}: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} — this report is not the one that was sealed:`, ...v.problems.map((p) => `  ${p.kind}: ${p.message}`)];
  if (v.unsealed.length > 0) lines.push(`Not sealed (not part of the evidence): ${v.unsealed.join(', ')}`);
  return lines.join('\n');
}

export async function reportCommand(raw: ReportOptions, output: Output): Promise<number> {
  if (raw.verify !== undefined) {
    if (raw.seal !== undefined && !/^[0-9a-f]{64}$/.test(raw.seal)) {
      throw new InputError('invalid-option', `--seal '${raw.seal}' is not a sha256 digest (64 lowercase hex digits)`, { hint: 'Use the seal printed when the reports were written.' });
    }
    const result = await verifyReportDir(resolve(raw.verify), raw.seal ? { expectedManifestSha256: raw.seal } : {});
    if (raw.output === 'json') output.out(JSON.stringify(result));
    else if (result.ok) output.out(renderVerify(result));
    else output.err(renderVerify(result));
    return result.ok ? ExitCode.ok : ExitCode.stepFailed;
  }
  if (!raw.runId) {
    throw new InputError('missing-argument', 'drctl report needs a run id, or --verify DIR', { hint: '`drctl status` lists run ids; for example: drctl report 20260101T020304Z-failover-a1b2c3' });
  }
  const stateDir = stateDirAt(resolve(raw.stateDir ?? process.env.DRCTL_STATE_DIR ?? '.drctl'));
  const input = await readReportInput(stateDir, raw.runId);
  const dir = raw.reportDir ? resolve(raw.reportDir) : defaultReportDir(stateDir, input.runId);
  const written = await writeRunReports(input, dir);
  if (raw.output === 'json') output.out(JSON.stringify({ runId: input.runId, ...written }));
  else output.out(renderWritten(written, input.runId));
  for (const note of input.notes ?? []) output.err(`note: ${note}`);
  return ExitCode.ok;
}
