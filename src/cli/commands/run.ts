/** failover / failback / plan: wire options, runbook, output, AWS (real or sandbox) into runOperation. */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseRunOptions } from '../options.js';
import type { RawRunOptions, RunOptions } from '../options.js';
import { loadSelection } from '../load.js';
import type { Output } from '../../report/output.js';
import { createReporter } from '../../report/reporter.js';
import { createTtyPrompter } from '../../report/prompter.js';
import { EventBus } from '../../engine/events.js';
import { runOperation } from '../../engine/run.js';
import type { GatewayRequest } from '../../engine/run.js';
import { stateDirAt } from '../../engine/state-dir.js';
import { systemClock } from '../../util/clock.js';
import { parseDuration } from '../../util/duration.js';
import { createAwsGateway } from '../../aws/clients.js';
import type { LoadedRunbook } from '../../runbook/read.js';
import type { CliSandbox } from '../sandbox-session.js';

/** Production polls every ~15 s; the sandbox's state machines move in seconds, so its runs poll faster. */
const SANDBOX_POLL_SCALE = 0.02;

export async function runCommand(operation: 'failover' | 'failback', raw: RawRunOptions, output: Output): Promise<number> {
  const options = parseRunOptions(operation, raw, process.env, output.isTTY);
  const { loaded, runbook, resources } = await loadSelection(options.file, options.fs, options.all);
  const stateDir = stateDirAt(resolve(options.stateDir));
  // The emulator is loaded only for --sandbox runs.
  const sandbox = options.sandbox
    ? await (await import('../sandbox-session.js')).openCliSandbox(stateDir, loaded.map((l) => l.runbook))
    : undefined;
  try {
    return await execute(operation, options, runbook, resources, output, stateDir, sandbox);
  } finally {
    await sandbox?.close();
  }
}

async function execute(
  operation: 'failover' | 'failback',
  options: RunOptions,
  loaded: LoadedRunbook,
  resources: string[],
  output: Output,
  stateDir: ReturnType<typeof stateDirAt>,
  sandbox: CliSandbox | undefined,
): Promise<number> {
  const clock = systemClock;
  const bus = new EventBus('pending', () => clock.now());
  const accountIds = Object.fromEntries(Object.entries(loaded.runbook.accounts).map(([name, account]) => [name, account.id]));
  const reporter = createReporter(options.output, output, { accountIds, journalPath: (runId) => stateDir.journalFile(runId) });
  bus.subscribe((event) => reporter.onEvent(event));
  const prompter = createTtyPrompter({ pausable: reporter });

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    if (interrupts === 1) {
      output.err('Interrupted: finishing the AWS call in flight and saving the checkpoint (Ctrl-C again to quit at once)...');
      controller.abort(new Error('interrupted'));
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const pollInterval = parseDuration(loaded.runbook.settings.pollInterval) ?? 15_000;
  const sandboxTarget = sandbox ? { requestHandler: sandbox.handler } : options.sandboxEndpoint ? { endpoint: options.sandboxEndpoint } : undefined;
  try {
    const outcome = await runOperation({
      operation,
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
    });
    return outcome.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    reporter.finish();
  }
}
