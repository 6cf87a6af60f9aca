/**
 * Every command's --help exits 0 and shows examples; and the commands that must start fast — `--help`,
 * `validate`, `schema` — never load the AWS SDK. The SDK check watches the real ESM loader: node is started
 * with a resolve hook (support/record-imports.mjs) that logs every module URL resolved, so an `import` or
 * `import()` of @aws-sdk anywhere on the path would be seen. A run that does call AWS proves the hook sees it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';

const RECORD_IMPORTS = join(import.meta.dirname, 'support', 'record-imports.mjs');

let ws: Workspace;
let commands: string[] = [];

beforeAll(async () => {
  ws = await createWorkspace();
  const root = await ws.run(['--help']);
  commands = commandsListed(root.stdout);
  const sandbox = await ws.run(['sandbox', '--help']);
  commands.push(...commandsListed(sandbox.stdout).map((sub) => `sandbox ${sub}`));
});
afterAll(async () => ws.remove());

/** Command names from the "Commands:" section of a commander help text. */
function commandsListed(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][a-z-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

/** Runs drctl with the resolve hook; returns the result and every module URL the loader resolved. */
async function runRecordingImports(args: string[]): Promise<{ code: number | null; urls: string[]; output: string }> {
  const log = ws.path(`imports-${args.join('-').replace(/[^a-z-]/gi, '')}.log`);
  const result = await ws.run(args, { nodeArgs: ['--import', RECORD_IMPORTS], env: { DRCTL_IMPORT_LOG: log } });
  const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { code: result.code, urls, output: describeResult(result) };
}

const sdkModules = (urls: string[]) => urls.filter((url) => /\/node_modules\/@(aws-sdk|smithy)\//.test(url));

describe('help', () => {
  it('`drctl --help` lists the commands, examples and exit codes', async () => {
    const result = await ws.run(['--help']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 step failed, 2 invalid input, 3 refused by a safety check, 4 lock held or stale checkpoint, 5 declined, 130 interrupted.');
    expect(commands).toEqual(expect.arrayContaining(['validate', 'schema', 'failover', 'failback', 'drill', 'plan', 'status', 'unlock', 'sandbox', 'sandbox reset', 'report', 'iam-policy', 'init']));
  });

  it('every command has --help with an Example section, exit 0', async () => {
    const results = await Promise.all(commands.map(async (command) => ({ command, result: await ws.run([...command.split(' '), '--help']) })));
    for (const { command, result } of results) {
      expect(result.code, `${command}: ${describeResult(result)}`).toBe(0);
      expect(result.stdout, command).toMatch(new RegExp(`^Usage: drctl ${command}`, 'm'));
      expect(result.stdout, command).toMatch(/^Examples?:\n {2}drctl /m);
    }
  });
});

describe.concurrent('startup stays free of the AWS SDK', () => {
  it('`drctl --help` loads no @aws-sdk module', async () => {
    const { code, urls, output } = await runRecordingImports(['--help']);
    expect(code, output).toBe(0);
    expect(urls.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(sdkModules(urls)).toEqual([]);
  });

  it('`drctl validate` loads no @aws-sdk module', async () => {
    const { code, urls, output } = await runRecordingImports(['validate']);
    expect(code, output).toBe(0);
    expect(urls.some((url) => url.endsWith('/dist/cli/commands/validate.js'))).toBe(true);
    expect(sdkModules(urls)).toEqual([]);
  });

  it('`drctl schema` loads no @aws-sdk module', async () => {
    const { code, urls, output } = await runRecordingImports(['schema']);
    expect(code, output).toBe(0);
    expect(sdkModules(urls)).toEqual([]);
  });

  it('the hook does see the SDK when a command calls AWS (a dry run on the sandbox)', async () => {
    const { code, urls, output } = await runRecordingImports(['plan', 'failover', '--fs', 'efs-prod', '--sandbox', '--state-dir', 'plan-state']);
    expect(code, output).toBe(0);
    expect(sdkModules(urls).some((url) => url.includes('/@aws-sdk/client-efs/'))).toBe(true);
  });
});
