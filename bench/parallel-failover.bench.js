// Failing over fifty EFS file systems should take about as long as one: independent resources run in parallel
// under --parallel. Runs the real engine, AWS layer and in-process sandbox on the real clock (the sandbox's
// state machines move in seconds) for 1 and for 50 resources, and reports the wall time of each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '../dist/runbook/parse.js';
import { openSandbox } from '../dist/sandbox/session.js';
import { createAwsGateway } from '../dist/aws/clients.js';
import { runOperation } from '../dist/engine/run.js';
import { EventBus } from '../dist/engine/events.js';
import { stateDirAt } from '../dist/engine/state-dir.js';
import { systemClock } from '../dist/util/clock.js';

export const title = 'parallel failover: 1 vs 50 EFS resources (engine + AWS layer + in-process sandbox, real clock)';

function runbookText(count) {
  const hex = (n, width) => n.toString(16).padStart(width, '0');
  const resources = Array.from({ length: count }, (_, i) => `  efs-${i}:
    type: efs
    primary: { account: prod, fileSystemId: fs-${hex(i, 8)}aaaaaaaaa }
    secondary: { account: dr, fileSystemId: fs-${hex(i, 8)}bbbbbbbbb }
    replication:
      roleArn: arn:aws:iam::111111111111:role/efs-replication
      reverseRoleArn: arn:aws:iam::222222222222:role/efs-replication`).join('\n');
  return `version: 1
name: bench
accounts:
  prod: { id: "111111111111", region: us-east-1, roleArn: "arn:aws:iam::111111111111:role/drctl" }
  dr: { id: "222222222222", region: us-west-2, roleArn: "arn:aws:iam::222222222222:role/drctl" }
filesystems:
${resources}
`;
}

async function failover(count) {
  const parsed = parseRunbook(runbookText(count), 'bench.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics, null, 2));
  const dir = mkdtempSync(join(tmpdir(), 'drctl-bench-'));
  try {
    const sandbox = await openSandbox({ runbooks: [parsed.runbook], clock: systemClock });
    const resources = Object.keys(parsed.runbook.filesystems);
    const started = performance.now();
    const outcome = await runOperation({
      operation: 'failover',
      runbook: parsed.runbook,
      runbookName: 'bench',
      runbookFile: 'bench.yaml',
      digest: parsed.digest,
      resources,
      flags: { dryRun: false, yes: true, force: false, primaryUnavailable: false, mode: 'preserve', approve: [], pollScale: 0.02 },
      parallel: 64,
      newRun: false,
      stateDir: stateDirAt(dir),
      clock: systemClock,
      prompter: { interactive: false, user: 'bench', confirm: async () => false },
      bus: new EventBus('bench', () => Date.now()),
      signal: new AbortController().signal,
      actor: { user: 'bench', host: 'bench', pid: process.pid },
      createGateway: async (req) =>
        createAwsGateway({ runbook: parsed.runbook, runId: req.runId, clock: systemClock, dryRun: req.dryRun, deniedTargets: req.deniedTargets, onCall: req.onCall, sandbox: { requestHandler: sandbox.handler } }),
    });
    if (outcome.exitCode !== 0) throw new Error(`failover of ${count} exited ${outcome.exitCode}`);
    return performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(log) {
  const one = await failover(1);
  log(`1 resource:   ${(one / 1000).toFixed(1)} s`);
  const fifty = await failover(50);
  log(`50 resources: ${(fifty / 1000).toFixed(1)} s (${(fifty / one).toFixed(2)}× the time of one)`);
}
