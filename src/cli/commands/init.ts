/**
 * drctl init: writes a new runbook from flags, asking on a terminal for whatever is missing (questions go to
 * stderr through the Output, answers come from stdin). Not on a terminal, missing flags are one InputError
 * (exit 2) naming them all. Never overwrites a file without --force.
 */
import { createInterface } from 'node:readline';
import { relative, resolve } from 'node:path';
import { ExitCode } from '../../errors.js';
import { assertWritable, gatherAnswers, writeInitRunbook, type Asker, type InitFlags } from '../../init/index.js';
import type { Output } from '../../report/output.js';

export interface InitOptions extends InitFlags {
  out?: string;
  force?: boolean;
}

export interface InitDeps {
  /** Questions and answers; default: stdin when it is a terminal and not CI, else none (flags only). */
  asker?: Asker;
  cwd?: string;
}

/** Reads answers line by line from stdin; the question is written through the Output (stderr). */
function createTerminalAsker(output: Output): Asker & { close(): void } {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question) {
      output.err(question);
      const next = await lines.next();
      return next.done ? undefined : String(next.value);
    },
    close: () => rl.close(),
  };
}

const FLAG_KEYS: ReadonlyArray<keyof InitFlags> = [
  'type', 'name', 'primaryName', 'primaryAccount', 'primaryRegion', 'primaryRole', 'primaryExternalId',
  'secondaryName', 'secondaryAccount', 'secondaryRegion', 'secondaryRole', 'secondaryExternalId',
  'primaryId', 'secondaryId', 'secondarySubnet', 'primaryBucket', 'secondaryBucket', 'path',
  'replicationRole', 'reverseReplicationRole', 'rpo', 'rto',
];

function flagsOf(raw: InitOptions): InitFlags {
  const flags: InitFlags = {};
  for (const key of FLAG_KEYS) {
    const value = raw[key];
    if (typeof value === 'string') flags[key] = value;
  }
  return flags;
}

export async function initCommand(raw: InitOptions, output: Output, deps: InitDeps = {}): Promise<number> {
  const cwd = deps.cwd ?? process.cwd();
  // Fail before asking anything when the named output file would be refused anyway.
  if (raw.out) await assertWritable(resolve(cwd, raw.out), raw.force === true);
  const terminal = !deps.asker && process.stdin.isTTY === true && !output.ci ? createTerminalAsker(output) : undefined;
  let answers;
  try {
    answers = await gatherAnswers(flagsOf(raw), deps.asker ?? terminal);
  } finally {
    terminal?.close();
  }
  const path = resolve(cwd, raw.out ?? `runbooks/${answers.name}.yaml`);
  const written = await writeInitRunbook(answers, path, raw.force === true);
  const shown = relative(cwd, written.path).startsWith('..') ? written.path : relative(cwd, written.path);
  output.out(`Wrote ${shown}: ${answers.type} resource ${answers.name} with the standard failover and failback steps written out.`);
  output.out('Next:');
  output.out(`  edit the TODOs, then: drctl validate -f ${shown}`);
  output.out(`  see every step and AWS call: drctl plan failover --fs ${answers.name} -f ${shown}`);
  output.out(`  the IAM roles drctl needs: drctl iam-policy --fs ${answers.name} -f ${shown}`);
  if (!written.schemaBeside) output.out(`  editor completion: drctl schema > ${relative(cwd, resolve(written.path, '..', 'schema.json')) || 'schema.json'}`);
  return ExitCode.ok;
}
