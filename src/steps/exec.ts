/**
 * exec: a local command (remount clients, flip DNS, notify). It gets the run's context in DRCTL_* variables;
 * a non-zero exit fails the step. Earlier steps' outputs come as DRCTL_OUT_<STEP>_<KEY> (promotedAt → PROMOTED_AT). It runs once per run: drctl cannot observe what a command changed, so a
 * finished exec step is not repeated on resume, and an interrupted one is run again.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { StepError } from '../errors.js';
import type { StepContext, StepKind } from './types.js';

const params = z
  .object({
    run: z.string().min(1).describe('Shell command, run with /bin/sh -c.').meta({ examples: ['./scripts/remount.sh "$DRCTL_DR_FILE_SYSTEM_ID"'] }),
    cwd: z.string().optional().describe('Working directory (default: where drctl runs).'),
    env: z.record(z.string(), z.string()).default({}).describe('Extra environment variables.'),
  })
  .strict();
type Params = z.infer<typeof params>;

export function execEnvironment(ctx: StepContext): Record<string, string> {
  const env: Record<string, string> = {
    DRCTL_RUN_ID: ctx.runId,
    DRCTL_OPERATION: ctx.operation,
    DRCTL_RESOURCE: ctx.resourceName,
    DRCTL_RESOURCE_TYPE: ctx.resource.type,
    DRCTL_STEP_ID: ctx.stepId,
    DRCTL_PRIMARY_ACCOUNT_ID: ctx.target('primary').accountId,
    DRCTL_PRIMARY_REGION: ctx.target('primary').region,
    DRCTL_SECONDARY_ACCOUNT_ID: ctx.target('secondary').accountId,
    DRCTL_SECONDARY_REGION: ctx.target('secondary').region,
    DRCTL_DRY_RUN: String(ctx.flags.dryRun),
  };
  const r = ctx.resource;
  if (r.type === 'efs' || r.type === 'fsx-lustre') {
    if (r.primary.fileSystemId) env.DRCTL_PRIMARY_FILE_SYSTEM_ID = r.primary.fileSystemId;
    if (r.secondary.fileSystemId) env.DRCTL_SECONDARY_FILE_SYSTEM_ID = r.secondary.fileSystemId;
  }
  if (r.type === 's3') {
    env.DRCTL_PRIMARY_BUCKET = r.primary.bucket;
    env.DRCTL_SECONDARY_BUCKET = r.secondary.bucket;
  }
  // The side clients should use after this operation.
  const active = ctx.operation === 'failback' ? 'PRIMARY' : 'SECONDARY';
  env.DRCTL_ACTIVE_SIDE = active.toLowerCase();
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(`DRCTL_${active}_`)) env[key.replace(`DRCTL_${active}_`, 'DRCTL_ACTIVE_')] = value;
  }
  // Earlier steps' outputs (e.g. a pilot-light file system id, the approval time) as DRCTL_OUT_<STEP>_<KEY>.
  for (const [stepId, outputs] of Object.entries(ctx.outputs)) {
    for (const [key, value] of Object.entries(outputs)) {
      if (value === null) continue;
      env[`DRCTL_OUT_${envName(stepId)}_${envName(key)}`] = Array.isArray(value) ? value.join(',') : String(value);
    }
  }
  return { ...env, ...ctx.env };
}

function envName(text: string): string {
  return text.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

export const exec: StepKind<Params, null> = {
  kind: 'exec',
  summary: 'Runs a local command with the run context in DRCTL_* environment variables; non-zero exit fails the step.',
  appliesTo: ['any'],
  params,
  describe: (p) => `run: ${p.run}`,
  calls: () => [],
  sides: () => [],
  async observe() {
    return null;
  },
  decide(_obs, p) {
    return { state: 'apply', phase: 'run', reason: `would run: ${p.run}`, calls: [] };
  },
  async apply(ctx, p) {
    const env = { ...process.env, ...execEnvironment(ctx), ...p.env };
    const started = ctx.clock.now();
    const { code, signal, output } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', p.run], { cwd: p.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.length > 64_000) output = output.slice(-64_000);
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', reject);
      child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal, output }));
    });
    for (const line of output.trimEnd().split('\n').filter(Boolean).slice(-20)) ctx.note(`| ${line}`);
    if (code !== 0) {
      // A command killed by a signal has no exit code (Node reports null): name the signal instead.
      const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with ${code}`;
      throw new StepError('exec-failed', `${ctx.stepKey}: command ${how}: ${p.run}`, {
        hint: 'Fix the command or its environment, then re-run the same drctl command to resume at this step.',
      });
    }
    return { exitCode: 0, durationMs: ctx.clock.now() - started };
  },
};
