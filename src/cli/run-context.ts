/**
 * What failover, failback and drill share: output and reporter, prompter, Ctrl-C handling, the AWS gateway
 * factory (real or sandbox) and the run request fields that follow from the options.
 */
import { hostname } from 'node:os';
import type { RunOptions } from './options.js';
import type { Output } from '../report/output.js';
import { createReporter } from '../report/reporter.js';
import type { Reporter } from '../report/reporter.js';
import { createTtyPrompter } from '../report/prompter.js';
import { EventBus } from '../engine/events.js';
import type { GatewayRequest, RunRequest } from '../engine/run.js';
import type { StateDir } from '../engine/state-dir.js';
import { readReportInput, writeRunReports, defaultReportDir } from '../report/run-report/index.js';
import { systemClock } from '../util/clock.js';
import { parseDuration } from '../util/duration.js';
import { createAwsGateway } from '../aws/clients.js';
import type { LoadedRunbook } from '../runbook/read.js';
import type { CliSandbox } from './sandbox-session.js';
import { requestImmediateExit } from './exit.js';

/** Production polls every ~15 s; the sandbox's state machines move in seconds, so its runs poll faster. */
export const SANDBOX_POLL_SCALE = 0.02;

export interface RunContext {
  base: Omit<RunRequest, 'operation'>;
  reporter: Reporter;
  sandbox: CliSandbox | undefined;
  close(): void;
}

export function prepareRunContext(
  options: RunOptions,
  loaded: LoadedRunbook,
  resources: string[],
  output: Output,
  stateDir: StateDir,
  sandbox: CliSandbox | undefined,
): RunContext {
  const clock = systemClock;
  const bus = new EventBus('pending', () => clock.now());
  const accountIds = Object.fromEntries(Object.entries(loaded.runbook.accounts).map(([name, account]) => [name, account.id]));
  const reporter = createReporter(options.output, output, { accountIds, journalPath: (runId) => stateDir.journalFile(runId) });
  bus.subscribe((event) => reporter.onEvent(event));
  const prompter = createTtyPrompter({ pausable: reporter });

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      output.err('Interrupted: finishing the AWS call in flight and saving the checkpoint (Ctrl-C again to quit at once)...');
      controller.abort(new Error('interrupted'));
    } else {
      requestImmediateExit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const pollInterval = parseDuration(loaded.runbook.settings.pollInterval) ?? 15_000;
  const sandboxTarget = sandbox ? { requestHandler: sandbox.handler } : options.sandboxEndpoint ? { endpoint: options.sandboxEndpoint } : undefined;
  const base: Omit<RunRequest, 'operation'> = {
    runbook: loaded.runbook,
    runbookName: loaded.name,
    runbookFile: loaded.file,
    digest: loaded.digest,
    resources,
    flags: {
      dryRun: options.dryRun,
      yes: options.yes,
      force: options.force,
      primaryUnavailable: options.primaryUnavailable,
      mode: options.mode,
      approve: options.approve,
      pollScale: sandboxTarget ? SANDBOX_POLL_SCALE : pollInterval / 15_000,
    },
    parallel: options.parallel ?? loaded.runbook.settings.parallel,
    newRun: options.newRun,
    stateDir,
    clock,
    prompter,
    bus,
    signal: controller.signal,
    actor: { user: prompter.user, host: hostname(), pid: process.pid },
    env: sandbox?.env ?? {},
    createGateway: async (req: GatewayRequest) =>
      createAwsGateway({
        runbook: loaded.runbook,
        runId: req.runId,
        clock,
        dryRun: req.dryRun,
        deniedTargets: req.deniedTargets,
        onCall: req.onCall,
        ...(options.profile ? { profile: options.profile } : {}),
        ...(sandboxTarget ? { sandbox: sandboxTarget, maxAttempts: 3 } : {}),
      }),
  };
  return {
    base,
    reporter,
    sandbox,
    close: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      reporter.finish();
    },
  };
}

/** Writes the run's reports (Markdown, HTML, JUnit, JSON, sealed) and says where. */
export async function writeReportsFor(stateDir: StateDir, runId: string, reportDir: string | undefined, output: Output): Promise<void> {
  try {
    const input = await readReportInput(stateDir, runId);
    const dir = reportDir ?? defaultReportDir(stateDir, runId);
    const written = await writeRunReports(input, dir);
    output.err(`Reports: ${dir} (report.md, report.html, junit.xml, report.json; manifest sha256 ${written.manifestSha256})`);
  } catch (err) {
    output.err(`warning: could not write the reports of run ${runId}: ${(err as Error).message} (regenerate with \`drctl report ${runId}\`)`);
  }
}
