import { describe, expect, it } from 'vitest';
import { renderJUnitReport, renderJsonReport, renderMarkdownReport, renderHtmlReport, journalDigest } from '../../src/report/run-report/index.js';
import { DR_ARN, FAILOVER_ID, PROD_ARN, RUNBOOK, drillInput, failedFailoverInput, successfulFailoverInput } from './evidence-fixtures.js';
import { findAll, parseXml, type XmlElement } from './evidence-xml.js';

const cases = (root: XmlElement) => findAll(root, 'testcase');
const byName = (root: XmlElement, name: string) => cases(root).find((c) => c.attrs.name === name);

describe('the XML checker used below', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<a>fish & chips</a>')).toThrow(/entity/);
    expect(() => parseXml('<a x="<"/>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow(/second root/);
    expect(parseXml('<?xml version="1.0"?><a q="&lt;&amp;&quot;">x &#65;</a>')).toMatchObject({ name: 'a', attrs: { q: '<&"' }, text: 'x A' });
  });
});

describe('renderJUnitReport', () => {
  it('is well-formed XML with one testcase per step, failures and skips counted', () => {
    const root = parseXml(renderJUnitReport(failedFailoverInput()));
    expect(root.name).toBe('testsuites');
    const suites = findAll(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['efs-prod']);
    expect(cases(root)).toHaveLength(5);
    expect(root.attrs).toMatchObject({ tests: '5', failures: '1', skipped: '2', errors: '0' });
    expect(suites[0]?.attrs).toMatchObject({ tests: '5', failures: '1', skipped: '2' });
  });

  it('puts the error, its AWS error name and request ids in the failure, escaped', () => {
    const root = parseXml(renderJUnitReport(failedFailoverInput()));
    const promote = byName(root, 'efs-prod/promote');
    const failure = promote?.children.find((c) => c.name === 'failure');
    expect(failure?.attrs.message).toContain('not authorized <to> delete & "stuff"');
    expect(failure?.attrs.message).toContain('request id req-promote-2');
    expect(failure?.text).toContain('AWS request ids: req-promote-1');
    expect(failure?.text).toContain('hint: Grant elasticfilesystem:DeleteReplicationConfiguration.');
    expect(promote?.attrs.time).toBe('30.000');
  });

  it('marks steps skipped before they started and steps never reached as skipped, with why', () => {
    const root = parseXml(renderJUnitReport(failedFailoverInput()));
    const skippedMessage = (name: string) => byName(root, name)?.children.find((c) => c.name === 'skipped')?.attrs.message;
    expect(skippedMessage('efs-prod/notify-primary')).toContain('--primary-unavailable');
    expect(skippedMessage('efs-prod/verify')).toContain('not reached');
    expect(byName(root, 'efs-prod/check')?.children.some((c) => c.name === 'skipped' || c.name === 'failure')).toBe(false);
  });

  it('records run id, runbook digest, identities and approvals as suite properties', () => {
    const root = parseXml(renderJUnitReport(failedFailoverInput()));
    const props = Object.fromEntries(findAll(root, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props['drctl.runId']).toBe(FAILOVER_ID);
    expect(props['drctl.runbookDigest']).toBe(RUNBOOK.digest);
    expect(props['drctl.identity.dr']).toBe(DR_ARN);
    expect(props['drctl.identity.prod']).toBe(PROD_ARN);
    expect(props['drctl.approval.efs-prod/confirm']).toMatch(/^granted by alice at .* via prompt$/);
  });

  it('for a drill: a case per step of each run and per check, checks without a resource in a runbook suite', () => {
    const root = parseXml(renderJUnitReport(drillInput()));
    expect(findAll(root, 'testsuite').map((s) => s.attrs.name)).toEqual(['efs-prod', 'efs-prod (runbook)']);
    expect(cases(root).map((c) => c.attrs.name)).toEqual([
      'failover efs-prod/check',
      'failover efs-prod/promote',
      'failback efs-prod/check',
      'failback efs-prod/reverse',
      'canary readable on DR',
      'replication restored',
      'lock released',
    ]);
    expect(root.attrs).toMatchObject({ tests: '7', failures: '1', skipped: '0' });
    expect(byName(root, 'replication restored')?.children[0]).toMatchObject({ name: 'failure', attrs: { message: 'replication is ENABLING after 10m' } });
  });

  it('passes a step that ran and found its work already done (the engine records it as skipped)', () => {
    const root = parseXml(renderJUnitReport(drillInput()));
    const unchanged = byName(root, 'failback efs-prod/check');
    expect(unchanged?.children.map((c) => c.name)).toEqual(['system-out']);
    expect(unchanged?.children[0]?.text).toContain('result: already in the desired state');
    expect(renderMarkdownReport(drillInput())).toMatch(/\| `failback efs-prod\/check` \| efs.check \| no change needed \|/);
  });

  it('adds one failing outcome case when the report is not ok but no case failed (e.g. an RTO over target)', () => {
    const input = drillInput({ allOk: true });
    const ok = parseXml(renderJUnitReport(input));
    expect(ok.attrs.failures).toBe('0');
    expect(cases(ok)).toHaveLength(7);
    const slow = { ...input, drill: { ...input.drill!, measurements: [{ ...input.drill!.measurements[0]!, rtoMs: 4_000_000 }] } };
    const root = parseXml(renderJUnitReport(slow));
    expect(cases(root)).toHaveLength(8);
    const outcome = byName(root, 'drill outcome')?.children.find((c) => c.name === 'failure');
    expect(outcome?.attrs.message).toBe('RTO of efs-prod was 1h6m40s, over the 1h target');
  });
});

describe('renderMarkdownReport', () => {
  const md = renderMarkdownReport(failedFailoverInput());

  it('states outcome, runbook, digest, who ran it and the caller identity per account', () => {
    expect(md).toContain('**FAILED**');
    expect(md).toContain(`\`${FAILOVER_ID}\``);
    expect(md).toContain(`efs-prod (\`runbooks/efs-prod.yaml\`), digest \`${RUNBOOK.digest}\``);
    expect(md).toContain('alice@ops-1 (pid 4242)');
    expect(md).toMatch(new RegExp(`\\| dr \\| 222222222222 \\| \`${DR_ARN}\` \\|`));
    expect(md).toMatch(new RegExp(`\\| prod \\| 111111111111 \\| \`${PROD_ARN}\` \\|`));
  });

  it('lists every step with start, end and outcome, and every approval and request id', () => {
    for (const key of ['efs-prod/check', 'efs-prod/notify-primary', 'efs-prod/confirm', 'efs-prod/promote', 'efs-prod/verify']) expect(md).toContain(`\`${key}\``);
    expect(md).toMatch(/\| `efs-prod\/promote` \| efs.promote \| \*\*FAILED\*\* \| 2026-01-01T00:00:13Z \| 2026-01-01T00:00:43Z \| 30.0s \| 2 \|/);
    expect(md).toMatch(/\| `efs-prod\/confirm` \| approved \| alice \| 2026-01-01T00:00:04Z \| prompt \| Promote fs-0dr &lt;& "now"&gt;\? \|/);
    for (const id of ['req-check-1', 'req-promote-1']) expect(md).toContain(`\`${id}\``);
    expect(md).toContain('request id req-promote-2');
  });

  it('shows measured RTO/RPO against targets, checks and the restore hint of a failed drill', () => {
    const drill = renderMarkdownReport(drillInput());
    expect(drill).toContain('| efs-prod | 1m4s | 1h | within target | 42s | 15m | within target | EFS LastReplicatedTimestamp |');
    expect(drill).toContain('| replication restored | efs-prod | **FAILED** | replication is ENABLING after 10m |');
    expect(drill).toContain('drctl failback --fs efs-prod --mode discard');
    expect(drill).toContain('`failback efs-prod/reverse`');
  });
});

describe('renderJsonReport', () => {
  it('carries the same facts as data, with the journal digest', () => {
    const input = failedFailoverInput();
    const json = renderJsonReport(input);
    expect(json).toMatchObject({ reportSchemaVersion: 1, kind: 'failover', runId: FAILOVER_ID, outcome: 'failed', ok: false, runbook: RUNBOOK });
    expect(json.steps.map((s) => [s.key, s.outcome])).toEqual([
      ['efs-prod/check', 'succeeded'],
      ['efs-prod/notify-primary', 'skipped'],
      ['efs-prod/confirm', 'succeeded'],
      ['efs-prod/promote', 'failed'],
      ['efs-prod/verify', 'not-run'],
    ]);
    expect(json.approvals).toEqual([expect.objectContaining({ key: 'efs-prod/confirm', by: 'alice', via: 'prompt', decision: 'granted' })]);
    expect(json.awsCalls.map((c) => c.requestId)).toEqual(['req-check-1', 'req-promote-1']);
    expect(json.journal.sha256).toBe(journalDigest(input.runs));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('says passed for a drill whose runs, checks and objectives all hold, failed otherwise', () => {
    expect(renderJsonReport(drillInput({ allOk: true }))).toMatchObject({ outcome: 'passed', ok: true });
    expect(renderJsonReport(drillInput())).toMatchObject({ outcome: 'failed', ok: false });
    expect(renderJsonReport(successfulFailoverInput())).toMatchObject({ outcome: 'succeeded', ok: true });
  });
});

describe('renderHtmlReport', () => {
  it('is self-contained: no script, no external reference, a CSP that forbids fetching anything', () => {
    const html = renderHtmlReport(drillInput());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html.match(/https?:\/\/[^\s"]+/g)).toEqual(['http://www.w3.org/2000/svg']);
  });

  it('escapes text taken from the journal', () => {
    const html = renderHtmlReport(failedFailoverInput());
    expect(html).toContain('not authorized &lt;to&gt; delete &amp; &quot;stuff&quot;');
    expect(html).not.toContain('<to>');
  });

  it('renders identical bytes for identical input (regenerating a report reproduces it)', () => {
    expect(renderHtmlReport(drillInput())).toBe(renderHtmlReport(drillInput()));
    expect(renderMarkdownReport(drillInput())).toBe(renderMarkdownReport(drillInput()));
  });
});
