/** report.md: the run report for people (review, tickets, audit folders). */
import { formatEventError } from '../format.js';
import { renderDuration } from '../../util/duration.js';
import { buildReportModel, type ReportModel, type ReportStep } from './model.js';
import type { ReportInput } from './types.js';
import { OUTCOME_WORD, escapeMdCell as cell, howLong, verdict, when } from './text.js';

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export function stepDetail(step: ReportStep): string {
  if (step.error) return `${formatEventError(step.error)}${step.error.hint ? ` — ${step.error.hint}` : ''}`;
  if (step.outcome === 'not-run') return 'not reached: the run stopped before this step';
  if (step.outcome === 'running') return 'started but not finished (interrupted?): re-running resumes here';
  return step.reason ?? '';
}

function summary(m: ReportModel): string[] {
  const actors = [...new Set(m.runs.map((r) => `${r.startedBy.user}@${r.startedBy.host}`))].join(', ');
  const rows: string[][] = [
    ['Outcome', `**${m.outcome.toUpperCase()}**`],
    ['Run id', `\`${m.runId}\``],
    ['Runbook', `${cell(m.runbook.name)} (\`${cell(m.runbook.file)}\`), digest \`${m.runbook.digest}\``],
    ['Resources', cell(m.resources.join(', '))],
    ['Started', `${when(m.startedAt)}${actors ? ` by ${cell(actors)}` : ''}`],
    ['Ended', when(m.endedAt)],
    ['Duration', howLong(m.durationMs)],
    ['Journal', `${m.journal.events} events, sha256 \`${m.journal.sha256}\``],
  ];
  return table(['Field', 'Value'], rows);
}

function whoRanIt(m: ReportModel): string[] {
  const lines = ['## Who ran it', ''];
  lines.push(
    ...table(
      ['Run', 'Operation', 'Status', 'Started by', 'Started', 'Ended', 'Resumed'],
      m.runs.map((r) => [
        `\`${r.runId}\``,
        r.operation === 'failback' ? `failback (${r.mode})` : r.operation + (r.primaryUnavailable ? ' (primary unavailable)' : ''),
        r.status,
        cell(`${r.startedBy.user}@${r.startedBy.host} (pid ${r.startedBy.pid})`),
        when(r.startedAt),
        when(r.endedAt),
        String(r.resumes),
      ]),
    ),
  );
  lines.push('', 'Caller identities verified with sts:GetCallerIdentity before any change:', '');
  if (m.identities.length === 0) lines.push('_No identity was verified (the run stopped before contacting AWS)._');
  else lines.push(...table(['Account', 'Account id', 'Caller identity ARN'], m.identities.map((i) => [cell(i.account), i.accountId, `\`${cell(i.arn)}\``])));
  return lines;
}

function drillSection(m: ReportModel): string[] {
  const d = m.drill;
  if (!d) return [];
  const lines = ['## Drill', '', '### Recovery objectives', ''];
  lines.push(
    ...table(
      ['Resource', 'RTO measured', 'RTO target', 'RTO', 'RPO measured', 'RPO target', 'RPO', 'RPO source'],
      d.measurements.map((x) => [
        cell(x.resource),
        x.rtoMs === undefined ? '—' : renderDuration(x.rtoMs),
        renderDuration(x.rtoTargetMs),
        verdict(x.rtoMet),
        x.rpoMs === undefined ? '—' : renderDuration(x.rpoMs),
        renderDuration(x.rpoTargetMs),
        verdict(x.rpoMet),
        cell(x.rpoSource),
      ]),
    ),
  );
  lines.push('', '### Phases', '');
  lines.push(...table(['Phase', 'Outcome', 'Started', 'Ended', 'Detail'], d.phases.map((p) => [cell(p.name), p.outcome, when(p.startedAt), when(p.endedAt), cell(p.detail ?? '')])));
  lines.push('', '### Checks', '');
  lines.push(...table(['Check', 'Resource', 'Result', 'Detail'], d.checks.map((c) => [cell(c.name), cell(c.resource ?? '—'), c.ok ? 'ok' : '**FAILED**', cell(c.detail)])));
  if (!m.ok && d.restoreHint) lines.push('', `> **The drill did not complete.** To restore the normal state: ${cell(d.restoreHint)}`);
  return lines;
}

function stepsSection(m: ReportModel): string[] {
  return [
    '## Steps',
    '',
    ...table(
      ['#', 'Step', 'Kind', 'Outcome', 'Started', 'Ended', 'Duration', 'Attempts', 'Detail'],
      m.steps.map((s, i) => [
        String(i + 1),
        `\`${cell(s.label)}\``,
        cell(s.kind),
        s.outcome === 'failed' || s.outcome === 'refused' ? `**${OUTCOME_WORD[s.outcome]}**` : OUTCOME_WORD[s.outcome],
        when(s.startedAt),
        when(s.endedAt),
        howLong(s.durationMs),
        String(s.attempts),
        cell(stepDetail(s)),
      ]),
    ),
  ];
}

function approvalsSection(m: ReportModel): string[] {
  const lines = ['## Approvals', ''];
  if (m.approvals.length === 0) return [...lines, '_No approval gate was reached._'];
  return [
    ...lines,
    ...table(
      ['Step', 'Decision', 'By', 'When', 'Via', 'Question'],
      m.approvals.map((a) => [`\`${cell(a.label)}\``, a.decision === 'granted' ? 'approved' : `**declined** (${cell(a.reason ?? '')})`, cell(a.by), when(a.at), cell(a.via ?? '—'), cell(a.question ?? '')]),
    ),
  ];
}

function callsSection(m: ReportModel): string[] {
  const lines = ['## AWS calls', '', 'Request ids correlate each call with CloudTrail.', ''];
  if (m.awsCalls.length === 0) return [...lines, '_No AWS call was recorded._'];
  return [
    ...lines,
    ...table(
      ['Time', 'Step', 'Call', 'Account', 'Region', 'Outcome', 'Request id', 'Duration'],
      m.awsCalls.map((c) => [
        when(c.time),
        c.key ? `\`${cell(c.key)}\`` : '—',
        `${c.service}:${c.operation}`,
        `${cell(c.account)} (${c.accountId})`,
        c.region,
        c.outcome === 'ok' ? 'ok' : `**${cell(c.errorName ?? 'error')}**${c.httpStatus ? ` (${c.httpStatus})` : ''}`,
        c.requestId ? `\`${cell(c.requestId)}\`` : '—',
        howLong(c.durationMs),
      ]),
    ),
  ];
}

export function renderMarkdownFromModel(m: ReportModel): string {
  const lines = [`# ${cell(m.title)}`, '', ...summary(m), '', ...whoRanIt(m)];
  if (m.drill) lines.push('', ...drillSection(m));
  lines.push('', ...stepsSection(m), '', ...approvalsSection(m), '', ...callsSection(m));
  if (m.notes.length > 0) lines.push('', '## Notes', '', ...m.notes.map((n) => `- ${cell(n)}`));
  lines.push('', '## Verifying this report', '', 'Run `sha256sum -c SHA256SUMS` in this directory, or `drctl report --verify DIR`. See docs/operations.md.');
  return `${lines.join('\n')}\n`;
}

export function renderMarkdownReport(input: ReportInput): string {
  return renderMarkdownFromModel(buildReportModel(input));
}
