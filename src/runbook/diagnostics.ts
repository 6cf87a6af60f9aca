/**
 * Runbook diagnostics: one problem found while loading a runbook, with where it is and what to do about it.
 * Codes are part of drctl's interface (scripts and docs refer to them): kebab-case, never renamed.
 */
import type { PositionTarget } from './positions.js';

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable kebab-case code, e.g. `unknown-key`, `needs-cycle`. */
  code: string;
  severity: DiagnosticSeverity;
  /** The file as the operator named it (relative to the working directory when inside it). */
  file: string;
  /** 1-based line and column of the offending YAML node. */
  line: number;
  col: number;
  /** Path of the offending value in the runbook, e.g. ['filesystems', 'efs-prod', 'primary', 'fileSystemId']. */
  path: (string | number)[];
  /** What is wrong, naming the value and where it is. */
  message: string;
  /** What to do next. */
  hint: string;
}

/** A problem found at a path of the runbook data, before it is given a file position. */
export interface Finding {
  code: string;
  severity?: DiagnosticSeverity;
  path: (string | number)[];
  /** Which node of the path to point at (default: the value). */
  at?: PositionTarget;
  message: string;
  hint: string;
}

/** `file:line:col  code  message` and an indented hint line. No colour: the reporter adds it. */
export function renderDiagnostic(d: Diagnostic): string {
  const severity = d.severity === 'warning' ? 'warning ' : '';
  const head = `${d.file}:${d.line}:${d.col}  ${severity}${d.code}  ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

/** Errors first, then by file and position, so the output reads top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      a.code.localeCompare(b.code),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** `filesystems.efs-prod.failover[2].with`: the path as an operator would read it in the YAML. */
export function renderPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the runbook';
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
}
