/** drctl sandbox: serve the emulator over HTTP; drctl sandbox reset: forget the in-process world. */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Output } from '../../report/output.js';
import { ExitCode, InputError } from '../../errors.js';
import { loadRunbooksOrFail } from '../load.js';
import { stateDirAt } from '../../engine/state-dir.js';
import { runSandboxServer } from '../../sandbox/session.js';

export async function sandboxCommand(raw: { file?: string; port: string; state?: string; scenario?: string }, output: Output): Promise<number> {
  const port = Number(raw.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError('invalid-option', `--port must be 0-65535, not '${raw.port}'`);
  const loaded = await loadRunbooksOrFail(raw.file);
  const server = await runSandboxServer({
    runbooks: loaded.map((l) => l.runbook),
    port,
    ...(raw.state ? { stateFile: resolve(raw.state) } : {}),
    ...(raw.scenario ? { scenarioFile: resolve(raw.scenario) } : {}),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      throw new InputError('port-in-use', `port ${port} on 127.0.0.1 is already in use (another drctl sandbox?)`, {
        hint: 'Stop whatever listens there, or pick another port: --port 4567, or --port 0 for any free one.',
      });
    }
    throw err;
  });
  output.out(`drctl sandbox listening on ${server.url} (seeded from ${loaded.map((l) => l.file).join(', ')})`);
  output.out('Export this to point AWS tools at it:');
  // HTTP_PROXY would send every HTTP request of the shell to the sandbox: shown only for the one command that needs it.
  for (const [key, value] of Object.entries(server.env)) if (key !== 'HTTP_PROXY') output.out(`  export ${key}=${value}`);
  output.out(`The AWS CLI also needs --endpoint-url ${server.url} on every call, and for s3control a proxy, e.g.:`);
  output.out(`  HTTP_PROXY=${server.url} aws --endpoint-url ${server.url} s3control list-jobs --account-id <account id>`);
  output.out(`Run drctl against it with --sandbox-endpoint ${server.url}. Ctrl-C stops the sandbox${raw.state ? ` (the world is saved to ${raw.state})` : ''}.`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  output.err('sandbox stopped.');
  return ExitCode.ok;
}

export async function sandboxResetCommand(raw: { stateDir?: string }, output: Output): Promise<number> {
  const dir = stateDirAt(resolve(raw.stateDir ?? process.env.DRCTL_STATE_DIR ?? '.drctl'));
  await rm(dir.sandboxWorldFile, { force: true });
  output.out(`Sandbox world reset (${dir.sandboxWorldFile} removed); the next --sandbox run starts from the runbooks' healthy state.`);
  return ExitCode.ok;
}
