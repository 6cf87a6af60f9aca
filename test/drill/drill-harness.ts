/**
 * Drills in process against the sandbox: a DrillRequest built the way `drctl drill --sandbox --yes` builds it
 * (src/cli/commands/drill.ts) — the harness's RunRequest, canaries through the sandbox's data plane, a canary
 * timeout equal to the resource's RPO — but on the harness's FakeClock and with its request log.
 */
import type { DrillOutcome, DrillRequest } from '../../src/drill/run-drill.js';
import { runDrill } from '../../src/drill/run-drill.js';
import { inProcessDataPlane } from '../../src/drill/sandbox-data-plane.js';
import type { RunEvent } from '../../src/engine/events.js';
import { readReportInput } from '../../src/report/run-report/read-input.js';
import type { ReportInput } from '../../src/report/run-report/types.js';
import { parseDuration } from '../../src/util/duration.js';
import type { RecordedRequest, RunOptions, SandboxRun } from '../helpers/sandbox-run.js';

/** How often the drill looks for a canary on the other side (the CLI uses 250 ms on the sandbox). */
export const CANARY_POLL_MS = 250;

export interface DrillRunResult {
  outcome: DrillOutcome;
  events: RunEvent[];
  /** Sandbox requests made during this drill. */
  requests: RecordedRequest[];
}

export interface DrillOptions extends RunOptions {
  canaryPollMs?: number;
  canaryTimeoutMs?: number;
  /** Steps run at once (the runbook's settings.parallel by default). */
  parallel?: number;
}

/** The request `drctl drill --sandbox --yes` would make for the harness's runbook. */
export function drillRequest(h: SandboxRun, options: DrillOptions = {}): { request: DrillRequest; events: RunEvent[] } {
  const { request, events } = h.request('failover', options);
  const { operation: _operation, ...base } = request;
  const rpoMs = Math.max(...base.resources.map((r) => parseDuration(base.runbook.filesystems[r]?.rpo ?? '15m') ?? 900_000));
  return {
    request: {
      ...base,
      ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
      sandbox: inProcessDataPlane(h.handler.router),
      canaryTimeoutMs: options.canaryTimeoutMs ?? rpoMs,
      canaryPollMs: options.canaryPollMs ?? CANARY_POLL_MS,
    },
    events,
  };
}

export async function runDrillOn(h: SandboxRun, options: DrillOptions = {}): Promise<DrillRunResult> {
  const from = h.requests.length;
  const { request, events } = drillRequest(h, options);
  const outcome = await runDrill(request);
  return { outcome, events, requests: h.requests.slice(from) };
}

/** What the reports of a drill are rendered from: its record and its child runs, read back from the state dir. */
export function drillReportInput(h: SandboxRun, runId: string): Promise<ReportInput> {
  return readReportInput(h.stateDir, runId);
}
