/**
 * The drctl command line: argv → options → one engine entry → exit code. The only module that sets the exit
 * code. Heavy modules (engine, AWS SDK, sandbox) are imported inside the actions so `--help`, `validate` and
 * `schema` start fast.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, InputError, isDrctlError } from '../errors.js';
import { EVENT_SCHEMA_VERSION } from '../engine/events.js';
import { installExit } from './exit.js';
import type { RawRunOptions } from './options.js';
import { createProcessOutput } from '../report/output.js';
import type { Output } from '../report/output.js';
import { renderError } from '../report/render.js';

const VERSION = '0.1.0';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function runOptions(command: Command, operation: string, examples?: string[]): Command {
  return command
    .option('--fs <name>', 'resource to act on (repeatable)', collect)
    .option('--all', 'every resource of the runbook')
    .option('-f, --file <path>', 'runbook file or directory (default ./runbooks)')
    .option('--dry-run', 'observe and print every call that would be made; change nothing')
    .option('-y, --yes', 'approve every confirmation and approval gate (for CI)')
    .option('--approve <step>', 'pre-approve one approval step by id (repeatable)', collect)
    .option('--force', 'go on despite a safety refusal (lag beyond RPO, unreplicated changes)')
    .option('--primary-unavailable', 'the primary region is down: only call the DR side')
    .option('--new-run', 'abandon an unfinished run and start over')
    .option('--parallel <n>', 'resources processed at once (default: runbook settings.parallel)')
    .option('--profile <name>', 'AWS profile for base credentials')
    .option('--sandbox', 'run against the built-in AWS emulator (state kept under the state dir)')
    .option('--sandbox-endpoint <url>', 'run against a running `drctl sandbox`')
    .option('--state-dir <dir>', 'where checkpoints, locks and reports live (default .drctl)')
    .addOption(new Option('--output <mode>', 'human, plain or json (NDJSON events)').choices(['auto', 'human', 'plain', 'json']))
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .option('--report-dir <dir>', 'write the run reports here (default <state dir>/reports/<run id>)')
    .addHelpText(
      'after',
      `\nExamples:\n${(examples ?? [`drctl ${operation} --fs efs-prod --dry-run`, `drctl ${operation} --fs efs-prod --yes --output json`, `drctl ${operation} --fs efs-prod --sandbox --yes`]).map((e) => `  ${e}`).join('\n')}`,
    );
}

export function buildProgram(output: Output, setExit: (code: number) => void): Command {
  const program = new Command('drctl')
    .description('Disaster-recovery runbooks for Amazon EFS, FSx for Lustre and S3: failover, failback, drills.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.replace(/\n$/, '')), writeErr: (s) => output.err(s.replace(/\n$/, '')), outputError: (s, write) => write(s) })
    .addHelpText('after', '\nExamples:\n  drctl validate\n  drctl failover --fs efs-prod --dry-run\n  drctl failover --fs efs-prod --sandbox --yes\n  drctl status\n\nExit codes: 0 ok, 1 step failed, 2 invalid input, 3 refused by a safety check, 4 lock held or stale checkpoint, 5 declined, 130 interrupted.');

  program
    .command('validate')
    .description('check runbooks and report every problem at once (no AWS call)')
    .option('-f, --file <path>', 'runbook file or directory (default ./runbooks)')
    .option('--no-color', 'no colour')
    .addHelpText('after', '\nExamples:\n  drctl validate\n  drctl validate -f runbooks/efs-prod.yaml')
    .action(async (raw: RawRunOptions) => setExit(await (await import('./commands/validate.js')).validateCommand(raw, output)));

  program
    .command('schema')
    .description('print the runbook JSON Schema')
    .addHelpText('after', '\nExample:\n  drctl schema > runbooks/schema.json')
    .action(async () => setExit(await (await import('./commands/schema.js')).schemaCommand(output)));

  for (const operation of ['failover', 'failback'] as const) {
    const cmd = runOptions(program.command(operation), operation).description(
      operation === 'failover'
        ? 'promote the DR side: preflight, confirmation, promotion, then your exec steps'
        : 'return to the primary: replicate DR changes back (preserve) or discard them, then restore protection',
    );
    if (operation === 'failback') cmd.addOption(new Option('--mode <mode>', 'preserve DR changes or discard them').choices(['preserve', 'discard']));
    cmd.action(async (raw: RawRunOptions) => setExit(await (await import('./commands/run.js')).runCommand(operation, raw, output)));
  }

  runOptions(program.command('drill'), 'drill', ['drctl drill --fs efs-prod --dry-run', 'drctl drill --fs efs-prod --yes --report-dir reports/', 'drctl drill --fs efs-prod --sandbox --yes'])
    .description('prove recovery: canary, failover, verify, failback, verify — timed, with RTO/RPO and reports (--dry-run: readiness only)')
    .addOption(new Option('--mode <mode>', 'failback mode of the drill').choices(['preserve', 'discard']))
    .option('--canary-timeout <duration>', 'how long to wait for a canary on the other side (default: the RPO)')
    .action(async (raw: RawRunOptions & { reportDir?: string; canaryTimeout?: string }) =>
      setExit(await (await import('./commands/drill.js')).drillCommand(raw, output)));

  runOptions(program.command('plan'), 'plan', ['drctl plan failover --fs efs-prod', 'drctl plan failback --fs efs-prod --mode discard', 'drctl plan failover --all --output json'])
    .description('same as <operation> --dry-run: show every step and AWS call without changing anything')
    .argument('<operation>', 'failover or failback')
    .addOption(new Option('--mode <mode>', 'failback mode').choices(['preserve', 'discard']))
    .action(async (operation: string, raw: RawRunOptions) => {
      if (operation !== 'failover' && operation !== 'failback') {
        throw new InputError('invalid-argument', `plan takes failover or failback, not '${operation}'`, { hint: 'For example: drctl plan failover --fs efs-prod' });
      }
      setExit(await (await import('./commands/run.js')).runCommand(operation, { ...raw, dryRun: true }, output));
    });

  program
    .command('status')
    .description('show runs and their steps')
    .option('--fs <name>', 'only runs that include this resource')
    .option('--state-dir <dir>', 'state directory (default .drctl)')
    .option('--limit <n>', 'runs to show (default 10)')
    .addOption(new Option('--output <mode>', 'human or json').choices(['human', 'plain', 'json']))
    .addHelpText('after', '\nExamples:\n  drctl status\n  drctl status --fs efs-prod --output json')
    .action(async (raw: { fs?: string; stateDir?: string; limit?: string; output?: string }) =>
      setExit(await (await import('./commands/status.js')).statusCommand(raw, output)));

  program
    .command('unlock')
    .description('release a stale lock left by a run that is gone')
    .requiredOption('--fs <name>', 'a resource of the locked runbook')
    .option('-f, --file <path>', 'runbook file or directory (default ./runbooks)')
    .option('--force', 'required: confirms you checked the holder is gone')
    .option('--state-dir <dir>', 'state directory (default .drctl)')
    .addHelpText('after', '\nExample:\n  drctl unlock --fs efs-prod --force')
    .action(async (raw: { fs: string; file?: string; force?: boolean; stateDir?: string }) =>
      setExit(await (await import('./commands/unlock.js')).unlockCommand(raw, output)));

  const sandbox = program
    .command('sandbox')
    .description('serve the built-in AWS emulator on 127.0.0.1, seeded from the runbooks')
    .option('-f, --file <path>', 'runbook file or directory (default ./runbooks)')
    .option('--port <port>', 'port (default 4566; 0 picks a free one)', '4566')
    .option('--state <file>', 'keep the world in this file across restarts')
    .option('--scenario <file>', 'scenario YAML: durations and faults')
    .addHelpText('after', '\nExamples:\n  drctl sandbox --port 4566\n  drctl sandbox reset')
    .action(async (raw: { file?: string; port: string; state?: string; scenario?: string }) =>
      setExit(await (await import('./commands/sandbox.js')).sandboxCommand(raw, output)));
  sandbox
    .command('reset')
    .description('forget the in-process sandbox world kept under the state dir (--sandbox runs start fresh)')
    .option('--state-dir <dir>', 'state directory (default .drctl)')
    .addHelpText('after', '\nExamples:\n  drctl sandbox reset\n  drctl sandbox reset --state-dir /tmp/drill-state')
    .action(async (raw: { stateDir?: string }) => setExit(await (await import('./commands/sandbox.js')).sandboxResetCommand(raw, output)));

  // Evidence and set-up commands: reports, IAM policies, new runbooks.
  program
    .command('report')
    .description('regenerate the reports of a run or drill from its journal, or verify a report directory')
    .argument('[runId]', 'run id (or an unambiguous prefix), as `drctl status` lists them')
    .option('--state-dir <dir>', 'state directory (default .drctl)')
    .option('--report-dir <dir>', 'write the reports here (default <state dir>/reports/<run id>)')
    .option('--verify <dir>', 'check a report directory against its manifest and SHA256SUMS instead')
    .option('--seal <sha256>', 'with --verify: the manifest digest recorded when the reports were written')
    .addOption(new Option('--output <mode>', 'human or json').choices(['human', 'plain', 'json']))
    .addHelpText('after', '\nExamples:\n  drctl report 20260101T020304Z-failover-a1b2c3\n  drctl report 20260101T020304Z-drill-d4e5f6 --report-dir reports/\n  drctl report --verify reports/ --seal <sha256 printed when written>')
    .action(async (runId: string | undefined, raw: { stateDir?: string; reportDir?: string; verify?: string; seal?: string; output?: string }) =>
      setExit(await (await import('./commands/report.js')).reportCommand({ ...raw, ...(runId ? { runId } : {}) }, output)));

  program
    .command('iam-policy')
    .description('print the least-privilege IAM policy and trust policy drctl needs in each account (no AWS call)')
    .option('--fs <name>', 'resource (repeatable)', collect)
    .option('--all', 'every resource of the runbook')
    .option('-f, --file <path>', 'runbook file or directory (default ./runbooks)')
    .option('--trusted-principal <arn>', 'who may assume the role (role/user ARN or account id); default: a placeholder to edit')
    .option('--out-dir <dir>', 'also write <account>.policy.json and <account>.trust.json here')
    .addOption(new Option('--output <mode>', 'human or json').choices(['human', 'plain', 'json']))
    .addHelpText('after', '\nExamples:\n  drctl iam-policy --fs efs-prod\n  drctl iam-policy --fs efs-prod --trusted-principal arn:aws:iam::999999999999:role/oncall --output json')
    .action(async (raw: { fs?: string[]; all?: boolean; file?: string; trustedPrincipal?: string; outDir?: string; output?: string }) =>
      setExit(await (await import('./commands/iam-policy.js')).iamPolicyCommand(raw, output)));

  program
    .command('init')
    .description('write a new runbook (asks on a terminal for anything the flags leave out)')
    .addOption(new Option('--type <type>', 'resource type').choices(['efs', 'fsx-lustre', 's3']))
    .option('--name <name>', 'resource name (what --fs selects) and runbook name')
    .option('--primary-account <id>', 'primary (production) account id')
    .option('--primary-region <region>', 'primary region')
    .option('--primary-role <arn>', 'role drctl assumes in the primary account')
    .option('--primary-external-id <id>', "external id of the primary role's trust policy")
    .option('--primary-name <name>', 'runbook name of the primary account (default prod)')
    .option('--secondary-account <id>', 'secondary (DR) account id')
    .option('--secondary-region <region>', 'secondary (DR) region')
    .option('--secondary-role <arn>', 'role drctl assumes in the DR account')
    .option('--secondary-external-id <id>', "external id of the DR role's trust policy")
    .option('--secondary-name <name>', 'runbook name of the DR account (default dr)')
    .option('--primary-id <fs-id>', 'efs, fsx-lustre: primary file system id')
    .option('--secondary-id <fs-id>', 'efs, fsx-lustre: DR file system id')
    .option('--secondary-subnet <subnet>', 'fsx-lustre: create the DR file system at failover in this subnet (pilot light)')
    .option('--primary-bucket <bucket>', 's3: primary bucket; fsx-lustre: bucket linked to the primary')
    .option('--secondary-bucket <bucket>', 's3: DR bucket; fsx-lustre: bucket linked to the DR file system')
    .option('--path <dir>', 'fsx-lustre: Lustre directory linked to the buckets (default /data)')
    .option('--replication-role <arn>', 'role the service assumes to replicate primary → DR')
    .option('--reverse-replication-role <arn>', 'role the service assumes to replicate DR → primary (failback)')
    .option('--rpo <duration>', 'recovery point objective (default 15m)')
    .option('--rto <duration>', 'recovery time objective (default 1h)')
    .option('--out <file>', 'where to write (default runbooks/<name>.yaml)')
    .option('--force', 'overwrite the file if it exists')
    .addHelpText('after', '\nExamples:\n  drctl init\n  drctl init --type efs --name efs-prod --primary-account 111111111111 --primary-region us-east-1 \\\n    --secondary-account 222222222222 --secondary-region us-west-2 --primary-id fs-0123456789abcdef0 --secondary-id fs-0fedcba9876543210 \\\n    --replication-role arn:aws:iam::111111111111:role/efs-replication --reverse-replication-role arn:aws:iam::222222222222:role/efs-replication')
    .action(async (raw: Record<string, string | boolean | undefined>) => setExit(await (await import('./commands/init.js')).initCommand(raw, output)));

  return program;
}

export async function main(argv: string[]): Promise<void> {
  installExit((code) => process.exit(code));
  const output = createProcessOutput({ noColor: argv.includes('--no-color') });
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(output, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    exitCode = exitCodeFor(err, output);
    if (wantsJson(argv)) output.out(JSON.stringify(renderErrorEvent(err, exitCode)));
  }
  process.exitCode = exitCode;
  // Interrupted runs must not linger on open sockets or timers.
  if (exitCode === ExitCode.interrupted) process.exit(exitCode);
}

function wantsJson(argv: string[]): boolean {
  const i = argv.indexOf('--output');
  return argv.includes('--output=json') || (i >= 0 && argv[i + 1] === 'json');
}

/**
 * With --output json, an error that stops a command before any run starts (lock held, unknown --fs, bad flag)
 * is still one JSON line on stdout, so a pipeline reading events always gets the outcome.
 */
function renderErrorEvent(err: unknown, exitCode: number): Record<string, unknown> {
  const base = { type: 'command.failed', schemaVersion: EVENT_SCHEMA_VERSION, time: new Date().toISOString(), exitCode };
  if (isDrctlError(err)) return { ...base, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  if (err instanceof CommanderError) return { ...base, code: 'invalid-arguments', message: err.message };
  return { ...base, code: 'internal-error', message: err instanceof Error ? err.message : String(err) };
}

function exitCodeFor(err: unknown, output: Output): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return ExitCode.ok;
    // Commander already printed what is wrong; add the way out.
    output.err('hint: run `drctl --help` or `drctl <command> --help` for the options and examples.');
    return ExitCode.invalidInput;
  }
  output.err(renderError(err, { color: output.color }));
  return isDrctlError(err) ? err.exitCode : 70;
}
