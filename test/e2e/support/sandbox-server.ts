/** `drctl sandbox --port 0` as a child process: the URL and environment it prints, and a clean stop (SIGINT). */
import { expect } from 'vitest';
import type { DrctlProcess, DrctlResult, Workspace } from '../../helpers/spawn-drctl.js';

export interface SpawnedSandbox {
  url: string;
  /** The `export K=V` lines it printed for AWS tools. */
  env: Record<string, string>;
  process: DrctlProcess;
  /** SIGINT, as Ctrl-C; resolves with how it exited. */
  stop(): Promise<DrctlResult>;
}

export async function startSandboxServer(ws: Workspace, extraArgs: string[] = []): Promise<SpawnedSandbox> {
  const server = ws.start(['sandbox', '--port', '0', ...extraArgs], { timeoutMs: 120_000 });
  const listening = await server.waitForLine((line) => line.includes('listening on'), 20_000);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)?.[1];
  expect(url, listening).toBeDefined();
  // The environment block ends with the line that tells how to run drctl against it.
  await server.waitForLine((line) => line.startsWith('Run drctl against it'), 5_000);
  const env: Record<string, string> = {};
  for (const line of server.lines) {
    const match = /^\s+export ([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2];
  }
  return {
    url: url ?? '',
    env,
    process: server,
    stop: async () => {
      server.kill('SIGINT');
      return server.exited;
    },
  };
}
