/**
 * The step timeline as an inline SVG: one row per step (and per drill phase), a bar from its start to its end on
 * a shared time axis, coloured by outcome and labelled with the step key. Static markup only — no script, no
 * external font or image — so it renders the same in any browser, offline, and in a headless screenshot.
 */
import { renderDuration } from '../../util/duration.js';
import type { ReportModel, StepOutcome } from './model.js';
import { escapeXml as x, howLong, when } from './text.js';

export const OUTCOME_COLOUR: Record<StepOutcome | 'ok', string> = {
  succeeded: '#2e7d32',
  unchanged: '#81c784',
  ok: '#1565c0',
  skipped: '#9e9e9e',
  failed: '#c62828',
  running: '#f9a825',
  'not-run': '#e0e0e0',
  planned: '#64b5f6',
  refused: '#c62828',
};

interface Row {
  label: string;
  outcome: StepOutcome | 'ok';
  start?: number;
  end?: number;
  tooltip: string;
}

const WIDTH = 1000;
const ROW = 24;
const BAR = 16;
const AXIS_TOP = 34;
const CHAR_PX = 7.3;
const MAX_LABEL_CHARS = 56;
const LEGEND: ReadonlyArray<[StepOutcome | 'ok', string]> = [
  ['ok', 'drill phase'],
  ['succeeded', 'succeeded'],
  ['unchanged', 'no change needed'],
  ['planned', 'would act'],
  ['skipped', 'skipped'],
  ['failed', 'failed'],
  ['refused', 'would refuse'],
  ['running', 'unfinished'],
];
const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

function rowsOf(model: ReportModel): Row[] {
  const rows: Row[] = [];
  for (const p of model.drill?.phases ?? []) {
    const outcome = p.outcome === 'ok' ? 'ok' : p.outcome === 'failed' ? 'failed' : 'skipped';
    rows.push({ label: `phase: ${p.name}`, outcome, start: ms(p.startedAt), end: ms(p.endedAt), tooltip: `phase ${p.name}: ${p.outcome}, ${when(p.startedAt)} → ${when(p.endedAt)}${p.detail ? ` — ${p.detail}` : ''}` });
  }
  for (const s of model.steps) {
    rows.push({
      label: s.label,
      outcome: s.outcome,
      start: ms(s.startedAt),
      end: ms(s.endedAt),
      tooltip: `${s.label} (${s.kind}): ${s.outcome}, ${when(s.startedAt)} → ${when(s.endedAt)} (${howLong(s.durationMs)})`,
    });
  }
  return rows;
}

function tickStep(spanMs: number): number {
  return TICK_STEPS_MS.find((step) => spanMs / step <= 8) ?? Math.ceil(spanMs / 8);
}

function truncate(label: string): string {
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label;
}

export function renderTimelineSvg(model: ReportModel): string {
  const rows = rowsOf(model);
  const times = rows.flatMap((r) => [r.start, r.end]).filter((t): t is number => t !== undefined);
  const t0 = times.length > 0 ? Math.min(...times) : 0;
  const t1 = times.length > 0 ? Math.max(...times) : 0;
  const spanMs = Math.max(t1 - t0, 1000);
  const labelWidth = Math.round(Math.min(MAX_LABEL_CHARS, Math.max(12, ...rows.map((r) => truncate(r.label).length))) * CHAR_PX) + 16;
  const plotLeft = labelWidth + 8;
  const plotWidth = WIDTH - plotLeft - 24;
  const xOf = (t: number) => plotLeft + ((t - t0) / spanMs) * plotWidth;
  const height = AXIS_TOP + rows.length * ROW + 44;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">`,
    `<title>Timeline of ${x(model.runId)}</title>`,
    `<desc>One bar per step from its start to its end, coloured by outcome; time runs left to right from ${x(when(new Date(t0).toISOString()))}.</desc>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  );
  const step = tickStep(spanMs);
  for (let t = 0; t <= spanMs + 1; t += step) {
    const tx = xOf(t0 + t).toFixed(1);
    out.push(
      `<line x1="${tx}" y1="${AXIS_TOP - 6}" x2="${tx}" y2="${AXIS_TOP + rows.length * ROW}" stroke="#e6e6e6"/>`,
      `<text x="${tx}" y="${AXIS_TOP - 10}" text-anchor="middle" fill="#555">${t === 0 ? x(when(new Date(t0).toISOString()).slice(11)) : `+${renderDuration(t)}`}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = AXIS_TOP + i * ROW;
    if (i % 2 === 1) out.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${ROW}" fill="#f7f7f7"/>`);
    out.push(`<text class="step-label" x="8" y="${y + ROW / 2 + 4}" fill="#222">${x(truncate(row.label))}<title>${x(row.label)}</title></text>`);
    if (row.start === undefined) {
      out.push(`<text x="${plotLeft}" y="${y + ROW / 2 + 4}" fill="#888" font-style="italic">${row.outcome === 'not-run' ? 'not run' : 'no time recorded'}</text>`);
      return;
    }
    const start = xOf(row.start);
    const end = xOf(row.end ?? t1);
    const width = Math.max(end - start, 3);
    out.push(
      `<rect class="bar bar-${row.outcome}" x="${start.toFixed(1)}" y="${y + (ROW - BAR) / 2}" width="${width.toFixed(1)}" height="${BAR}" rx="2" fill="${OUTCOME_COLOUR[row.outcome]}"><title>${x(row.tooltip)}</title></rect>`,
    );
  });
  const legendY = AXIS_TOP + rows.length * ROW + 26;
  // Only the outcomes this timeline shows, in a fixed order.
  const shown = new Set(rows.filter((r) => r.start !== undefined).map((r) => r.outcome));
  const legend = LEGEND.filter(([outcome]) => shown.has(outcome)).map(([outcome, name]): [string, string] => [name, OUTCOME_COLOUR[outcome]]);
  legend.forEach(([name, colour], i) => {
    const lx = 8 + i * 150;
    out.push(`<rect x="${lx}" y="${legendY - 10}" width="12" height="12" fill="${colour}"/>`, `<text x="${lx + 18}" y="${legendY}" fill="#333">${name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
