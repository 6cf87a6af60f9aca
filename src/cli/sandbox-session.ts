/**
 * --sandbox: the emulator runs in this process, seeded from the runbooks, its world kept under the state dir
 * between commands (so `failover --sandbox` then `failback --sandbox` act on the same world).
 */
import { openSandbox } from '../sandbox/session.js';
import type { InProcessHandler } from '../sandbox/in-process.js';
import type { StateDir } from '../engine/state-dir.js';
import type { Runbook } from '../runbook/schema.js';
import { systemClock } from '../util/clock.js';

export interface CliSandbox {
  handler: unknown;
  /** The emulator's request router, for its private data-plane API (drill canaries). */
  router: InProcessHandler['router'];
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function openCliSandbox(stateDir: StateDir, runbooks: Runbook[]): Promise<CliSandbox> {
  const session = await openSandbox({ stateFile: stateDir.sandboxWorldFile, runbooks, clock: systemClock });
  return {
    handler: session.handler,
    router: session.handler.router,
    env: { DRCTL_SANDBOX: 'in-process', DRCTL_SANDBOX_STATE: stateDir.sandboxWorldFile },
    close: () => session.save(),
  };
}
