/** Where drctl keeps local state: `.drctl/` in the working directory unless --state-dir says otherwise. */
import { join } from 'node:path';

export interface StateDir {
  root: string;
  runDir(runId: string): string;
  checkpointFile(runId: string): string;
  journalFile(runId: string): string;
  runsDir: string;
  lockFile(runbook: string): string;
  memoryFile(runbook: string, resource: string): string;
  sandboxWorldFile: string;
  reportsDir: string;
}

export function stateDirAt(root: string): StateDir {
  return {
    root,
    runsDir: join(root, 'runs'),
    runDir: (runId) => join(root, 'runs', runId),
    checkpointFile: (runId) => join(root, 'runs', runId, 'checkpoint.json'),
    journalFile: (runId) => join(root, 'runs', runId, 'journal.ndjson'),
    lockFile: (runbook) => join(root, 'locks', `${runbook}.lock`),
    memoryFile: (runbook, resource) => join(root, 'state', runbook, `${resource}.json`),
    sandboxWorldFile: join(root, 'sandbox', 'world.json'),
    reportsDir: join(root, 'reports'),
  };
}
