/**
 * report.html: one self-contained file (inline CSS, inline SVG timeline, no script, no network resource — the
 * Content-Security-Policy forbids any), to open in a browser or attach to a ticket.
 */
import { formatEventError } from '../format.js';
import { renderDuration } from '../../util/duration.js';
import { buildReportModel, type ReportModel } from './model.js';
import { stepDetail } from './markdown.js';
import { OUTCOME_COLOUR, renderTimelineSvg } from './timeline.js';
import type { ReportInput } from './types.js';
import { OUTCOME_WORD, escapeXml as x, howLong, verdict, when } from './text.js';

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
td code, .t { white-space: nowrap; }
.outcome { display: inline-block; padding: 2px 10px; border-radius: 10px; color: #fff; font-weight: 600; }
.ok { background: ${OUTCOME_COLOUR.succeeded}; }
.bad { background: ${OUTCOME_COLOUR.failed}; }
.failed, .missed { color: ${OUTCOME_COLOUR.failed}; font-weight: 600; }
.muted { color: #777; }
.restore { border-left: 4px solid ${OUTCOME_COLOUR.failed}; padding: 8px 12px; background: #fff4f4; }
.timeline-box { overflow-x: auto; border: 1px solid #ddd; }
`;

function table(header: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${x(empty)}</p>`;
  const head = header.some(Boolean) ? `<tr>${header.map((h) => `<th>${x(h)}</th>`).join('')}</tr>` : '';
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

const code = (text: string) => `<code>${x(text)}</code>`;
/** A timestamp that does not wrap inside a table cell. */
const at = (iso: string | undefined) => `<span class="t">${x(when(iso))}</span>`;

function summary(m: ReportModel): string {
  const actors = [...new Set(m.runs.map((r) => `${r.startedBy.user}@${r.startedBy.host}`))].join(', ');
  const rows: string[][] = [
    ['Outcome', `<span class="outcome ${m.ok ? 'ok' : 'bad'}">${x(m.outcome.toUpperCase())}</span>`],
    ['Run id', code(m.runId)],
    ['Runbook', `${x(m.runbook.name)} (${code(m.runbook.file)}), digest ${code(m.runbook.digest)}`],
    ['Resources', x(m.resources.join(', '))],
    ['Started', `${x(when(m.startedAt))}${actors ? ` by ${x(actors)}` : ''}`],
    ['Ended', x(when(m.endedAt))],
    ['Duration', x(howLong(m.durationMs))],
    ['Journal', `${m.journal.events} events, sha256 ${code(m.journal.sha256)}`],
  ];
  return table(['', ''], rows.map(([k, v]) => [`<b>${x(k ?? '')}</b>`, v ?? '']), '');
}

function whoRanIt(m: ReportModel): string {
  const runs = table(
    ['Run', 'Operation', 'Status', 'Started by', 'Started', 'Ended', 'Resumed'],
    m.runs.map((r) => [
      code(r.runId),
      x(r.operation === 'failback' ? `failback (${r.mode})` : r.operation + (r.primaryUnavailable ? ' (primary unavailable)' : '')),
      x(r.status),
      x(`${r.startedBy.user}@${r.startedBy.host} (pid ${r.startedBy.pid})`),
      at(r.startedAt),
      at(r.endedAt),
      String(r.resumes),
    ]),
    'No run was recorded.',
  );
  const ids = table(
    ['Account', 'Account id', 'Caller identity ARN'],
    m.identities.map((i) => [x(i.account), x(i.accountId), code(i.arn)]),
    'No identity was verified (the run stopped before contacting AWS).',
  );
  return `<h2>Who ran it</h2>\n${runs}\n<p>Caller identities verified with sts:GetCallerIdentity before any change:</p>\n${ids}`;
}

function drill(m: ReportModel): string {
  const d = m.drill;
  if (!d) return '';
  const cls = (met: boolean | undefined) => (met === false ? ' class="missed"' : '');
  const objectives = table(
    ['Resource', 'RTO measured', 'RTO target', 'RTO', 'RPO measured', 'RPO target', 'RPO', 'RPO source'],
    d.measurements.map((r) => [
      x(r.resource),
      x(r.rtoMs === undefined ? '—' : renderDuration(r.rtoMs)),
      x(renderDuration(r.rtoTargetMs)),
      `<span${cls(r.rtoMet)}>${x(verdict(r.rtoMet))}</span>`,
      x(r.rpoMs === undefined ? '—' : renderDuration(r.rpoMs)),
      x(renderDuration(r.rpoTargetMs)),
      `<span${cls(r.rpoMet)}>${x(verdict(r.rpoMet))}</span>`,
      x(r.rpoSource),
    ]),
    'Nothing was measured.',
  );
  const phases = table(
    ['Phase', 'Outcome', 'Started', 'Ended', 'Detail'],
    d.phases.map((p) => [x(p.name), `<span${p.outcome === 'failed' ? ' class="failed"' : ''}>${x(p.outcome)}</span>`, at(p.startedAt), at(p.endedAt), x(p.detail ?? '')]),
    'No phase was recorded.',
  );
  const checks = table(
    ['Check', 'Resource', 'Result', 'Detail'],
    d.checks.map((c) => [x(c.name), x(c.resource ?? '—'), c.ok ? 'ok' : '<span class="failed">FAILED</span>', x(c.detail)]),
    'No check was recorded.',
  );
  const restore = !m.ok && d.restoreHint ? `<p class="restore"><b>The drill did not complete.</b> To restore the normal state: ${code(d.restoreHint)}</p>` : '';
  return `<h2>Drill</h2>\n${restore}\n<h3>Recovery objectives</h3>\n${objectives}\n<h3>Phases</h3>\n${phases}\n<h3>Checks</h3>\n${checks}`;
}

function steps(m: ReportModel): string {
  return `<h2>Steps</h2>\n${table(
    ['#', 'Step', 'Kind', 'Outcome', 'Started', 'Ended', 'Duration', 'Attempts', 'Detail'],
    m.steps.map((s, i) => [
      String(i + 1),
      code(s.label),
      x(s.kind),
      `<span${s.outcome === 'failed' || s.outcome === 'refused' ? ' class="failed"' : ''}>${x(OUTCOME_WORD[s.outcome])}</span>`,
      at(s.startedAt),
      at(s.endedAt),
      x(howLong(s.durationMs)),
      String(s.attempts),
      x(stepDetail(s)),
    ]),
    'No step was planned.',
  )}`;
}

function approvals(m: ReportModel): string {
  return `<h2>Approvals</h2>\n${table(
    ['Step', 'Decision', 'By', 'When', 'Via', 'Question'],
    m.approvals.map((a) => [
      code(a.label),
      a.decision === 'granted' ? 'approved' : `<span class="failed">declined</span> (${x(a.reason ?? '')})`,
      x(a.by),
      at(a.at),
      x(a.via ?? '—'),
      x(a.question ?? ''),
    ]),
    'No approval gate was reached.',
  )}`;
}

function calls(m: ReportModel): string {
  return `<h2>AWS calls</h2>\n<p>Request ids correlate each call with CloudTrail.</p>\n${table(
    ['Time', 'Step', 'Call', 'Account', 'Region', 'Outcome', 'Request id', 'Duration'],
    m.awsCalls.map((c) => [
      at(c.time),
      c.key ? code(c.key) : '—',
      x(`${c.service}:${c.operation}`),
      x(`${c.account} (${c.accountId})`),
      x(c.region),
      c.outcome === 'ok' ? 'ok' : `<span class="failed">${x(c.errorName ?? 'error')}${c.httpStatus ? ` (${c.httpStatus})` : ''}</span>`,
      c.requestId ? code(c.requestId) : '—',
      x(howLong(c.durationMs)),
    ]),
    'No AWS call was recorded.',
  )}`;
}

function failures(m: ReportModel): string {
  const failed = m.steps.filter((s) => s.error);
  if (failed.length === 0) return '';
  return `<h2>Failures</h2>\n<ul>\n${failed.map((s) => `<li>${code(s.label)}: ${x(s.error ? formatEventError(s.error) : '')}${s.error?.hint ? `<br><span class="muted">${x(s.error.hint)}</span>` : ''}</li>`).join('\n')}\n</ul>`;
}

export function renderHtmlFromModel(m: ReportModel): string {
  const notes = m.notes.length > 0 ? `<h2>Notes</h2>\n<ul>\n${m.notes.map((n) => `<li>${x(n)}</li>`).join('\n')}\n</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${x(m.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${x(m.title)}</h1>
${summary(m)}
<h2>Timeline</h2>
<div class="timeline-box">
${renderTimelineSvg(m)}
</div>
${failures(m)}
${drill(m)}
${whoRanIt(m)}
${steps(m)}
${approvals(m)}
${calls(m)}
${notes}
<h2>Verifying this report</h2>
<p>Run ${code('sha256sum -c SHA256SUMS')} in this directory, or ${code('drctl report --verify DIR')}.</p>
</body>
</html>
`;
}

export function renderHtmlReport(input: ReportInput): string {
  return renderHtmlFromModel(buildReportModel(input));
}
