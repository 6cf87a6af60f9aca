/**
 * Errors and runbook diagnostics as text (pure). Expected errors (DrctlError) show the code, the message, the
 * details, the AWS error name and request id when AWS answered, and a `hint:` line with the next thing to do —
 * never a stack. Anything else is a bug in drctl and says so, with the stack, so it can be reported.
 */
import { isDrctlError, type DrctlError } from '../errors.js';
import { createChalk } from './output.js';

export interface RenderOptions {
  color: boolean;
}

/** The AWS facts an error may carry (AwsCallError in src/aws/errors.ts has them); read structurally. */
interface AwsErrorFacts {
  awsErrorName?: unknown;
  requestId?: unknown;
  httpStatus?: unknown;
  attempts?: unknown;
  retryable?: unknown;
}

function awsLine(err: DrctlError): string | undefined {
  const facts = err as DrctlError & AwsErrorFacts;
  if (typeof facts.awsErrorName !== 'string' || facts.awsErrorName === '') return undefined;
  const parts = [`AWS ${facts.awsErrorName}`];
  if (typeof facts.httpStatus === 'number') parts.push(`HTTP ${facts.httpStatus}`);
  parts.push(typeof facts.requestId === 'string' && facts.requestId ? `request id ${facts.requestId}` : 'no request id');
  if (typeof facts.attempts === 'number' && facts.attempts > 1) parts.push(`after ${facts.attempts} attempts`);
  return parts.join(', ');
}

/** The cause, when it adds something the message does not already say. */
function causeLine(err: Error): string | undefined {
  const cause = err.cause;
  if (cause === undefined || cause === null) return undefined;
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const bare = cause instanceof Error ? cause.message : text;
  return bare && !err.message.includes(bare) ? text : undefined;
}

export function renderError(err: unknown, options: RenderOptions): string {
  const chalk = createChalk(options.color);
  if (isDrctlError(err)) {
    const lines = [`${chalk.red.bold('error')} ${chalk.dim(`[${err.code}]`)} ${err.message}`];
    for (const detail of err.details) lines.push(`  - ${detail}`);
    const aws = awsLine(err);
    if (aws) lines.push(`  ${chalk.dim(aws)}`);
    const cause = causeLine(err);
    if (cause) lines.push(`  ${chalk.dim(`cause: ${cause}`)}`);
    if (err.hint) lines.push(`${chalk.yellow('hint:')} ${err.hint}`);
    return lines.join('\n');
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : `thrown value: ${String(err)}`;
  const lines = [
    `${chalk.red.bold('internal error')} ${message}`,
    'This is a bug in drctl, not a problem with your runbook or your AWS accounts.',
  ];
  if (err instanceof Error && err.stack) lines.push(chalk.dim(err.stack));
  const cause = err instanceof Error ? causeLine(err) : undefined;
  if (cause) lines.push(chalk.dim(`cause: ${cause}`));
  lines.push(
    `${chalk.yellow('hint:')} if a run was in progress, its checkpoint is kept and re-running the same command resumes it. ` +
      'Please report this output, with the run journal from .drctl/ if there is one, to the drctl maintainers.',
  );
  return lines.join('\n');
}

/**
 * A runbook diagnostic. The same shape as Diagnostic in src/runbook/diagnostics.ts (path is not needed to print
 * it), declared here structurally so rendering does not depend on the loader.
 */
export interface DiagnosticLike {
  code: string;
  severity: 'error' | 'warning';
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

/**
 * `file:line:col  code  message` and an indented `hint:` line, in source order, then a count. Without colour each
 * diagnostic reads exactly as renderDiagnostic (src/runbook/diagnostics.ts) prints it; a test keeps them equal.
 */
export function renderDiagnostics(list: readonly DiagnosticLike[], options: RenderOptions): string {
  const chalk = createChalk(options.color);
  // Same order as sortDiagnostics in src/runbook/diagnostics.ts: the file read top to bottom.
  const sorted = [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
  const lines: string[] = [];
  for (const d of sorted) {
    const code = d.severity === 'error' ? chalk.red(d.code) : chalk.yellow(`warning ${d.code}`);
    lines.push(`${chalk.bold(`${d.file}:${d.line}:${d.col}`)}  ${code}  ${d.message}`);
    if (d.hint) lines.push(`  ${chalk.dim('hint:')} ${d.hint}`);
  }
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  if (list.length > 0) {
    const count = [plural(errors, 'error'), warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
    const files = new Set(list.map((d) => d.file));
    lines.push('', `${count} in ${files.size === 1 ? [...files][0] : `${files.size} files`}`);
  }
  return lines.join('\n');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
