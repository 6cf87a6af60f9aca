/** Escaping and small wording helpers shared by the report renderers. Pure. */
import { formatElapsed, formatTimestamp } from '../format.js';
import type { StepOutcome } from './model.js';

// Characters XML 1.0 does not allow at all (not even escaped): C0 controls other than tab, newline, return.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text safe inside XML/HTML element content and double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Text safe in a Markdown table cell: one line, pipes escaped, no raw HTML. */
export function escapeMdCell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function when(iso: string | undefined): string {
  return iso ? formatTimestamp(iso) : '—';
}

export function howLong(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)}ms` : formatElapsed(ms);
}

export const OUTCOME_WORD: Record<StepOutcome, string> = {
  succeeded: 'succeeded',
  unchanged: 'no change needed',
  skipped: 'skipped',
  failed: 'FAILED',
  'not-run': 'not run',
  running: 'unfinished',
  planned: 'would act',
  refused: 'WOULD REFUSE',
};

/** "within target" / "MISSED target" / "not measured" for an RTO or RPO figure. */
export function verdict(met: boolean | undefined): string {
  if (met === undefined) return 'not measured';
  return met ? 'within target' : 'MISSED target';
}
