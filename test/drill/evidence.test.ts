/**
 * What a drill leaves as evidence: the JUnit file written with its reports parses and holds one case per step of
 * its runs and per drill check, failing exactly where the drill failed; and every AWS operation the sandbox saw
 * during a drill is allowed by the IAM policy drctl generates for that account.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { operationInfo } from '../../src/aws/operations.js';
import type { ServiceName } from '../../src/aws/operations.js';
import { drillCalls } from '../../src/drill/iam-calls.js';
import { readCheckpoint } from '../../src/engine/checkpoint.js';
import { resolveTarget } from '../../src/engine/plan.js';
import { isCoveredBy, planIamPolicies } from '../../src/iam/index.js';
import type { AccountIamPolicy } from '../../src/iam/index.js';
import { REPORT_FILES, writeRunReports } from '../../src/report/run-report/write.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { parseXml } from '../report/evidence-xml.js';
import type { XmlElement } from '../report/evidence-xml.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { RecordedRequest, SandboxRun } from '../helpers/sandbox-run.js';
import { SECONDARY } from '../integration/efs-expect.js';
import { drillReportInput, runDrillOn } from './drill-harness.js';
import type { DrillRunResult } from './drill-harness.js';

let h: SandboxRun | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function elements(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((c) => elements(c, name))];
}

/** The drill's junit.xml as written with its reports, parsed. */
async function junitOf(run: SandboxRun, result: DrillRunResult): Promise<XmlElement> {
  const dir = join(run.dir, 'reports', result.outcome.runId);
  await writeRunReports(await drillReportInput(run, result.outcome.runId), dir);
  return parseXml(await readFile(join(dir, REPORT_FILES.junit), 'utf8'));
}

/** "<operation> <step key>" of every step of the drill's failover and failback runs. */
async function stepLabels(run: SandboxRun, result: DrillRunResult): Promise<string[]> {
  const labels: string[] = [];
  for (const id of result.outcome.record.childRunIds) {
    const checkpoint = await readCheckpoint(run.stateDir, id);
    for (const step of checkpoint?.steps ?? []) labels.push(`${checkpoint?.operation} ${step.key}`);
  }
  return labels;
}

function expectConsistentCounts(root: XmlElement): void {
  const suites = elements(root, 'testsuite');
  for (const suite of [root, ...suites]) {
    const cases = elements(suite, 'testcase');
    expect(Number(suite.attrs.tests), suite.attrs.name).toBe(cases.length);
    expect(Number(suite.attrs.failures), suite.attrs.name).toBe(cases.filter((c) => elements(c, 'failure').length > 0).length);
    expect(Number(suite.attrs.skipped), suite.attrs.name).toBe(cases.filter((c) => elements(c, 'skipped').length > 0).length);
  }
}

describe('junit.xml of a drill', () => {
  it('a passing efs-prod drill: one case per failover and failback step and per check, none failing', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml' }));
    const result = await runDrillOn(run);
    expect(result.outcome.exitCode).toBe(0);
    const root = await junitOf(run, result);
    expectConsistentCounts(root);
    const steps = await stepLabels(run, result);
    expect(steps).toHaveLength(3 + 7);
    const checks = result.outcome.record.drill.checks.map((c) => c.name);
    const cases = elements(root, 'testcase').map((c) => c.attrs.name);
    expect([...cases].sort()).toEqual([...steps, ...checks].sort());
    expect(root.attrs).toMatchObject({ tests: String(steps.length + checks.length), failures: '0', errors: '0' });
    expect(elements(root, 'testsuite').map((s) => s.attrs.name).sort()).toEqual(['efs-prod', 'efs-prod (runbook)']);
  });

  it('a drill whose failback was denied: the failing step is the one failing case, the steps never reached are skipped', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/efs-prod.yaml' }));
    run.world.faults.add({ kind: 'access-denied', match: { service: 'efs', operation: 'CreateReplicationConfiguration', accountId: SECONDARY.accountId } });
    const result = await runDrillOn(run);
    expect(result.outcome.exitCode).toBe(1);
    const root = await junitOf(run, result);
    expectConsistentCounts(root);
    const cases = elements(root, 'testcase');
    expect(cases).toHaveLength((await stepLabels(run, result)).length + result.outcome.record.drill.checks.length);
    const failing = cases.filter((c) => elements(c, 'failure').length > 0);
    expect(failing.map((c) => c.attrs.name)).toEqual(['failback efs-prod/replicate-back']);
    expect(elements(failing[0] as XmlElement, 'failure')[0]?.attrs.message).toContain('AccessDenied');
    const skipped = cases.filter((c) => elements(c, 'skipped').length > 0).map((c) => c.attrs.name);
    expect(skipped).toEqual(['quiesce', 'wait-in-sync', 'promote-original', 'reprotect'].map((id) => `failback efs-prod/${id}`));
  });
});

// ---- IAM: what the sandbox saw against the generated policy ------------------------------------------------------

/** The ARN an S3 or EFS request acts on, as IAM sees it; undefined where only the action is checked. */
function resourceOf(r: RecordedRequest, runbook: Runbook): string | undefined {
  if (r.service === 's3') {
    const [, bucket = '', ...key] = r.path.split('/');
    const object = key.join('/');
    return object ? `arn:aws:s3:::${bucket}/${decodeURIComponent(object)}` : `arn:aws:s3:::${bucket}`;
  }
  if (r.service === 'efs') {
    const id = /\/file-systems\/(fs-[0-9a-f]+)/.exec(r.path)?.[1] ?? r.query.FileSystemId?.[0];
    for (const resource of Object.values(runbook.filesystems)) {
      if (resource.type !== 'efs') continue;
      for (const side of ['primary', 'secondary'] as const) {
        const { region, accountId } = resolveTarget(runbook, resource, side);
        if (resource[side].fileSystemId === id) return `arn:aws:elasticfilesystem:${region}:${accountId}:file-system/${id}`;
      }
    }
  }
  return undefined;
}

const ROLE_ARN = /arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+/;

/** Requests of a drill that its account's generated policy would deny (AssumeRole checked apart: see below). */
function uncovered(requests: RecordedRequest[], runbook: Runbook, policies: AccountIamPolicy[]): string[] {
  const problems = new Set<string>();
  for (const r of requests) {
    if (!r.service || !r.operation || r.operation === 'AssumeRole') continue;
    const service = r.service as ServiceName;
    const policy = policies.find((p) => p.accountId === r.accountId);
    const resource = resourceOf(r, runbook);
    const passedRole = operationInfo(service, r.operation)?.passRoleTo ? ROLE_ARN.exec(decodeURIComponent(r.body))?.[0] : undefined;
    if (!policy || !isCoveredBy(policy.policy, service, r.operation, resource, passedRole ? { passedRole } : {})) {
      problems.add(`${r.accountId} ${r.service} ${r.operation} ${resource ?? ''} ${passedRole ?? ''}`.trim());
    }
  }
  return [...problems];
}

describe('IAM: every operation a drill sends is in the generated policy of its account', () => {
  for (const runbookFile of ['runbooks/efs-prod.yaml', 'runbooks/lustre-s3.yaml', 'runbooks/s3-buckets.yaml']) {
    it(runbookFile, async () => {
      const run = (h = await openSandboxRun({ runbookFile }));
      const result = await runDrillOn(run);
      expect(result.outcome.exitCode).toBe(0);
      const resources = Object.keys(run.runbook.filesystems);
      const policies = planIamPolicies(run.runbook, resources, { extraCalls: drillCalls(run.runbook, resources) });
      const aws = result.requests.filter((r) => r.service !== undefined);
      expect(aws.length).toBeGreaterThan(0);
      expect(uncovered(aws, run.runbook, policies)).toEqual([]);

      // AssumeRole is sent by the base identity: each role it asked for is a runbook role whose trust policy allows it.
      const assumed = new Set(aws.filter((r) => r.operation === 'AssumeRole').map((r) => new URLSearchParams(r.body).get('RoleArn')));
      expect(assumed.size).toBeGreaterThan(0);
      for (const roleArn of assumed) {
        const policy = policies.find((p) => p.roleArn === roleArn);
        expect(policy, `${roleArn} is not a role of the runbook`).toBeDefined();
        expect(policy?.trustPolicy.Statement.map((s) => s.Action)).toEqual(['sts:AssumeRole']);
        expect(policy?.notes).toContain(`The identity drctl starts from needs sts:AssumeRole on ${roleArn}.`);
      }
    });
  }

  it('without the drill\'s own calls, the policy would not let an S3 drill write its canary', async () => {
    const run = (h = await openSandboxRun({ runbookFile: 'runbooks/s3-buckets.yaml' }));
    const result = await runDrillOn(run);
    const resources = Object.keys(run.runbook.filesystems);
    const stepsOnly = uncovered(result.requests.filter((r) => r.service !== undefined), run.runbook, planIamPolicies(run.runbook, resources));
    expect(stepsOnly).toContain('111111111111 s3 PutObject arn:aws:s3:::media-prod-us-east-1/media/.drctl-canary/' + `${result.outcome.runId}.txt`);
  });
});
