/**
 * junit.xml for CI: a testsuite per resource with a testcase per step and per drill check; failed steps carry
 * the error (with AWS error name and request id), steps that found nothing to do pass, steps left out by design
 * (--primary-unavailable) and steps never reached are <skipped>. A report that is not
 * ok without any failing case (a run refused at preflight, an RTO over target) gets one failing "outcome" case,
 * so a CI job can never show green for a run that did not succeed.
 */
import { formatEventError } from '../format.js';
import { renderDuration } from '../../util/duration.js';
import type { ReportInput } from './types.js';
import { buildReportModel, type ReportModel, type ReportStep } from './model.js';
import { stepDetail } from './markdown.js';
import { escapeXml as x } from './text.js';

interface Case {
  classname: string;
  name: string;
  timeMs: number;
  failure?: { type: string; message: string; body: string };
  skipped?: string;
  out?: string;
}

interface Suite {
  name: string;
  timestamp?: string;
  properties: Array<[string, string]>;
  cases: Case[];
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function stepCase(m: ReportModel, s: ReportStep): Case {
  const c: Case = { classname: `drctl.${m.runbook.name}.${s.resource}.${s.operation}`, name: s.label, timeMs: s.durationMs ?? 0 };
  const ids = s.requestIds.length > 0 ? `AWS request ids: ${s.requestIds.join(', ')}` : '';
  if (s.outcome === 'refused') {
    const message = `would refuse: ${s.reason ?? 'a safety check'}`;
    c.failure = { type: 'would-refuse', message, body: [message, `step: ${s.description}`].join('\n') };
  } else if (s.outcome === 'failed') {
    const message = s.error ? formatEventError(s.error) : 'failed';
    const body = [message, s.error?.hint ? `hint: ${s.error.hint}` : '', `step: ${s.description}`, ids].filter(Boolean).join('\n');
    c.failure = { type: s.error?.code ?? 'step-failed', message, body };
  } else if (s.outcome === 'skipped' || s.outcome === 'not-run' || s.outcome === 'running') {
    c.skipped = stepDetail(s) || s.outcome;
  }
  const out = [s.description, s.reason ? `result: ${s.reason}` : '', ids].filter(Boolean).join('\n');
  if (out) c.out = out;
  return c;
}

/** Why a not-ok report has no failing case of its own, or undefined when some case already fails. */
function unexplainedFailure(m: ReportModel, cases: Case[]): string | undefined {
  if (m.ok || cases.some((c) => c.failure)) return undefined;
  const reasons: string[] = [];
  for (const r of m.runs) if (r.status !== 'succeeded' && r.status !== 'planned') reasons.push(`${r.operation} run ${r.runId} ended ${r.status}`);
  for (const p of m.drill?.phases ?? []) if (p.outcome === 'failed') reasons.push(`drill phase ${p.name} failed${p.detail ? `: ${p.detail}` : ''}`);
  for (const d of m.drill?.measurements ?? []) {
    if (d.rtoMet === false) reasons.push(`RTO of ${d.resource} was ${renderDuration(d.rtoMs ?? 0)}, over the ${renderDuration(d.rtoTargetMs)} target`);
    if (d.rpoMet === false) reasons.push(`RPO of ${d.resource} was ${renderDuration(d.rpoMs ?? 0)}, over the ${renderDuration(d.rpoTargetMs)} target`);
  }
  if (m.runs.length === 0) reasons.push('no run was recorded');
  return reasons.join('; ') || `outcome ${m.outcome}`;
}

function buildSuites(m: ReportModel, runFinished: Map<string, string>): Suite[] {
  const runbookSuiteName = `${m.runbook.name} (runbook)`;
  const suites = new Map<string, Suite>();
  const suite = (name: string) => {
    let s = suites.get(name);
    if (!s) {
      s = { name, properties: [], cases: [] };
      if (m.startedAt) s.timestamp = m.startedAt.replace(/\.\d+Z$/, '');
      suites.set(name, s);
    }
    return s;
  };
  for (const resource of m.resources) {
    const s = suite(resource);
    s.properties.push(['drctl.runId', m.runId], ['drctl.runbook', `${m.runbook.name} (${m.runbook.file})`], ['drctl.runbookDigest', m.runbook.digest], ['drctl.journalSha256', m.journal.sha256]);
    for (const i of m.identities) s.properties.push([`drctl.identity.${i.account}`, i.arn]);
    for (const d of m.drill?.measurements.filter((x) => x.resource === resource) ?? []) {
      if (d.rtoMs !== undefined) s.properties.push(['drctl.rto.measuredMs', String(d.rtoMs)]);
      s.properties.push(['drctl.rto.targetMs', String(d.rtoTargetMs)]);
      if (d.rpoMs !== undefined) s.properties.push(['drctl.rpo.measuredMs', String(d.rpoMs)]);
      s.properties.push(['drctl.rpo.targetMs', String(d.rpoTargetMs)], ['drctl.rpo.source', d.rpoSource]);
    }
    for (const a of m.approvals.filter((x) => x.key.startsWith(`${resource}/`))) {
      s.properties.push([`drctl.approval.${a.label}`, `${a.decision} by ${a.by} at ${a.at}${a.via ? ` via ${a.via}` : ''}`]);
    }
  }
  for (const step of m.steps) suite(step.resource).cases.push(stepCase(m, step));
  for (const check of m.drill?.checks ?? []) {
    const c: Case = { classname: `drctl.${m.runbook.name}.${check.resource ?? 'drill'}.check`, name: check.name, timeMs: 0, out: check.detail };
    if (!check.ok) c.failure = { type: 'check-failed', message: check.detail, body: check.detail };
    suite(check.resource ?? runbookSuiteName).cases.push(c);
  }
  const all = [...suites.values()].flatMap((s) => s.cases);
  const why = unexplainedFailure(m, all);
  if (why !== undefined) {
    const finished = m.runs.map((r) => runFinished.get(r.runId)).filter(Boolean).join('\n');
    suite(runbookSuiteName).cases.push({
      classname: `drctl.${m.runbook.name}.${m.kind}`,
      name: `${m.kind} outcome`,
      timeMs: m.durationMs ?? 0,
      failure: { type: `outcome-${m.outcome}`, message: why, body: [why, finished, m.drill?.restoreHint ? `to restore: ${m.drill.restoreHint}` : ''].filter(Boolean).join('\n') },
    });
  }
  return [...suites.values()];
}

function renderCase(c: Case): string {
  const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="${secs(c.timeMs)}"`;
  const inner: string[] = [];
  if (c.failure) inner.push(`      <failure type="${x(c.failure.type)}" message="${x(c.failure.message)}">${x(c.failure.body)}</failure>`);
  if (c.skipped !== undefined) inner.push(`      <skipped message="${x(c.skipped)}"/>`);
  if (c.out) inner.push(`      <system-out>${x(c.out)}</system-out>`);
  return inner.length === 0 ? `${open}/>` : `${open}>\n${inner.join('\n')}\n    </testcase>`;
}

function counts(cases: Case[]): { tests: number; failures: number; skipped: number; timeMs: number } {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
    timeMs: cases.reduce((t, c) => t + c.timeMs, 0),
  };
}

export function renderJUnitFromModel(m: ReportModel, runFinished: Map<string, string> = new Map()): string {
  const suites = buildSuites(m, runFinished);
  const total = counts(suites.flatMap((s) => s.cases));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(`drctl ${m.kind} ${m.runId}`)}" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}" time="${secs(m.durationMs ?? total.timeMs)}">`,
  ];
  for (const s of suites) {
    const c = counts(s.cases);
    lines.push(
      `  <testsuite name="${x(s.name)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${secs(c.timeMs)}"${s.timestamp ? ` timestamp="${x(s.timestamp)}"` : ''}>`,
    );
    if (s.properties.length > 0) {
      lines.push('    <properties>', ...s.properties.map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`), '    </properties>');
    }
    lines.push(...s.cases.map(renderCase), '  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

export function renderJUnitReport(input: ReportInput): string {
  const finished = new Map<string, string>();
  for (const run of input.runs) {
    for (const e of run.events) if (e.type === 'run.finished' && e.message) finished.set(run.checkpoint.runId, `${run.checkpoint.operation}: ${e.message}`);
  }
  return renderJUnitFromModel(buildReportModel(input), finished);
}
