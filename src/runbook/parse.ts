/**
 * Runbook text → validated Runbook, or every problem at once with its line:col.
 * Stages: YAML (syntax errors stop here) → schema (zod, every issue in operator language) → semantic rules
 * (only on a runbook the schema accepted, so rules can trust the types). Pure: no I/O.
 */
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { STEP_KINDS } from '../steps/registry.js';
import type { AnyStepKind } from '../steps/types.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Finding } from './diagnostics.js';
import { digestRunbook } from './digest.js';
import { createSourceMap, type SourceMap } from './positions.js';
import { RULES, type RunbookRule } from './rules/index.js';
import { findingsFromIssues } from './schema-issues.js';
import { runbookSchema, type Runbook } from './schema.js';

export type LoadResult =
  | { ok: true; runbook: Runbook; file: string; digest: string; warnings: Diagnostic[] }
  | { ok: false; file: string; diagnostics: Diagnostic[] };

export interface ParseOptions {
  /** Rules to apply (default: RULES). */
  rules?: readonly RunbookRule[];
  /** Step kinds known to the rules and messages (default: the registry). */
  stepKinds?: readonly AnyStepKind[];
}

const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'A key may appear only once in a mapping: merge the two entries or rename one.',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation: indent with spaces.',
  BAD_INDENT: 'Check the indentation: nested keys are indented by the same number of spaces as their siblings.',
  MULTIPLE_DOCS: 'A runbook file holds one YAML document: remove the extra `---` or split the file.',
  MISSING_CHAR: 'A quote or bracket is not closed: check the quotes and brackets on this line.',
  BLOCK_AS_IMPLICIT_KEY: 'A key is missing its colon, or a value spans lines: check the line above.',
  MULTILINE_IMPLICIT_KEY: 'A key is missing its colon, or a value spans lines: check the line above.',
};

function toDiagnostic(finding: Finding, file: string, map: SourceMap): Diagnostic {
  const { line, col } = map.locate(finding.path, finding.at ?? 'value');
  return {
    code: finding.code,
    severity: finding.severity ?? 'error',
    file,
    line,
    col,
    path: finding.path,
    message: finding.message,
    hint: finding.hint,
  };
}

/**
 * The parser notices an unclosed quote only where the text ends; the line to fix is where the quote opened:
 * the nearest quote before the error that starts a value (after `:`, `-`, `[`, `{` or `,`).
 */
function openingQuoteOffset(text: string, errorOffset: number, quote: string): number | undefined {
  for (let i = Math.min(errorOffset, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    const lineStart = text.lastIndexOf('\n', i - 1) + 1;
    if (/(^|[:\-[{,])\s*$/.test(text.slice(lineStart, i))) return i;
  }
  return undefined;
}

function yamlDiagnostic(error: YAMLError, text: string, file: string, lineCounter: LineCounter): Diagnostic {
  const quote = error.code === 'MISSING_CHAR' ? /closing (['"])quote/.exec(error.message)?.[1] : undefined;
  const offset = (quote ? openingQuoteOffset(text, error.pos[0], quote) : undefined) ?? error.pos[0];
  const { line, col } = lineCounter.linePos(offset);
  const message = quote ? `the quote ${quote} opened here is never closed` : (error.message.split('\n')[0] ?? error.message);
  return {
    code: 'yaml-syntax',
    severity: 'error',
    file,
    line,
    col,
    path: [],
    message: `YAML syntax error: ${message.replace(/ at line \d+, column \d+:?$/, '')}`,
    hint: YAML_HINTS[error.code] ?? 'Fix the YAML at this position; the runbook was not checked further.',
  };
}

/** Applies the rules; a rule that throws is a drctl bug, reported as a diagnostic rather than a crash. */
export function applyRules(runbook: Runbook, rules: readonly RunbookRule[], stepKinds: readonly AnyStepKind[]): Finding[] {
  return rules.flatMap((rule): Finding[] => {
    try {
      return rule.check(runbook, { stepKinds }).map((f) => ({ ...f, code: f.code ?? rule.code, severity: f.severity ?? rule.severity ?? 'error' }));
    } catch (err) {
      return [
        {
          code: 'internal-rule-error',
          path: [],
          message: `rule ${rule.code} failed: ${err instanceof Error ? err.message : String(err)}`,
          hint: 'This is a drctl bug; please report it with the runbook.',
        },
      ];
    }
  });
}

export function parseRunbook(text: string, file: string, options: ParseOptions = {}): LoadResult {
  const stepKinds = options.stepKinds ?? STEP_KINDS;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return { ok: false, file, diagnostics: doc.errors.map((e) => yamlDiagnostic(e, text, file, lineCounter)) };
  }
  const map = createSourceMap(doc, lineCounter);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) {
    const findings = findingsFromIssues(parsed.error.issues, {
      schema: runbookSchema,
      data,
      stepKinds: stepKinds.map((k) => k.kind),
    });
    return { ok: false, file, diagnostics: sortDiagnostics(findings.map((f) => toDiagnostic(f, file, map))) };
  }
  const runbook = parsed.data;
  const diagnostics = sortDiagnostics(applyRules(runbook, options.rules ?? RULES, stepKinds).map((f) => toDiagnostic(f, file, map)));
  if (hasErrors(diagnostics)) return { ok: false, file, diagnostics };
  return { ok: true, runbook, file, digest: digestRunbook(runbook), warnings: diagnostics };
}
