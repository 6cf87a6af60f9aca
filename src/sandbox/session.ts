/**
 * Entry points for the CLI:
 * - `openSandbox` (--sandbox): the emulator in process; the world is loaded from the state file or seeded from the
 *   runbooks (and an optional scenario), and saved back by `save()` at the end of the command.
 * - `runSandboxServer` (drctl sandbox): the same over HTTP on 127.0.0.1, saving after requests when a state file
 *   is given, with the environment to print for AWS tools.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Runbook } from '../runbook/schema.js';
import { systemClock, type Clock } from '../util/clock.js';
import { startSandboxServer } from './http-server.js';
import { InProcessHandler } from './in-process.js';
import { loadWorld, saveWorld } from './persistence.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';
import { seedWorldFromRunbooks } from './seed/index.js';
import { BASE_ACCESS_KEY_ID, BASE_SECRET_ACCESS_KEY, World } from './world.js';

export interface OpenSandboxOptions {
  /** Where the world is kept between commands; omitted: nothing is persisted. */
  stateFile?: string;
  runbooks: readonly Runbook[];
  clock?: Clock;
  /** A scenario file path, or an already parsed scenario. Applied only when a new world is created. */
  scenario?: string | Scenario;
}

export interface SandboxSession {
  world: World;
  handler: InProcessHandler;
  /** Writes the world to the state file (no-op without one). */
  save(): Promise<void>;
}

export async function openSandbox(options: OpenSandboxOptions): Promise<SandboxSession> {
  const world = await loadOrCreateWorld(options);
  const handler = new InProcessHandler(world);
  return { world, handler, save: async () => (options.stateFile ? saveWorld(world, options.stateFile) : undefined) };
}

export interface RunSandboxServerOptions {
  runbooks: readonly Runbook[];
  port: number;
  host?: string;
  stateFile?: string;
  scenarioFile?: string;
  clock?: Clock;
}

export interface RunningSandbox {
  url: string;
  world: World;
  /** Environment for AWS tools (the real AWS CLI also needs --endpoint-url; HTTP_PROXY only matters for s3control). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function runSandboxServer(options: RunSandboxServerOptions): Promise<RunningSandbox> {
  const world = await loadOrCreateWorld({
    runbooks: options.runbooks,
    ...(options.stateFile ? { stateFile: options.stateFile } : {}),
    ...(options.scenarioFile ? { scenario: options.scenarioFile } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const saver = options.stateFile ? coalescingSaver(world, options.stateFile) : undefined;
  const server = await startSandboxServer({
    world,
    port: options.port,
    host: options.host ?? '127.0.0.1',
    ...(saver ? { afterRequest: saver.schedule } : {}),
  });
  const region = options.runbooks.flatMap((r) => Object.values(r.accounts))[0]?.region ?? 'us-east-1';
  return {
    url: server.url,
    world,
    env: {
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: BASE_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: BASE_SECRET_ACCESS_KEY,
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true',
      HTTP_PROXY: server.url,
    },
    close: async () => {
      await server.close();
      await saver?.flush();
    },
  };
}

export async function readScenarioFile(file: string): Promise<Scenario> {
  const text = await readFile(file, 'utf8');
  const parsed = scenarioSchema.safeParse(parseYaml(text) ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`The sandbox scenario ${file} is not valid:\n${problems}`);
  }
  return parsed.data;
}

export function applyScenario(world: World, scenario: Scenario): void {
  if (scenario.baseAccount) world.setBaseAccount(scenario.baseAccount);
  for (const account of scenario.accounts) {
    world.addAccount({ accountId: account.id, ...(account.name ? { name: account.name } : {}), roles: account.roles });
  }
  for (const [key, ms] of Object.entries(scenario.settings)) world.setDuration(key, ms);
  for (const fault of scenario.faults) world.faults.add(fault);
}

async function loadOrCreateWorld(options: OpenSandboxOptions): Promise<World> {
  const clock = options.clock ?? systemClock;
  const loaded = options.stateFile ? await loadWorld(options.stateFile, clock) : undefined;
  if (loaded) {
    // New resources added to the runbooks since the world was saved get seeded; existing ones are left alone.
    seedWorldFromRunbooks(loaded, options.runbooks);
    return loaded;
  }
  const scenario = typeof options.scenario === 'string' ? await readScenarioFile(options.scenario) : options.scenario;
  const world = new World({ clock, seed: scenario?.seed ?? 1 });
  if (scenario) applyScenario(world, scenario);
  seedWorldFromRunbooks(world, options.runbooks);
  return world;
}

/** Saves after requests, at most one write in flight, always ending with the latest state. */
function coalescingSaver(world: World, file: string): { schedule: () => void; flush: () => Promise<void> } {
  let running: Promise<void> | undefined;
  let pending = false;
  const run = async (): Promise<void> => {
    do {
      pending = false;
      await saveWorld(world, file);
    } while (pending);
  };
  return {
    schedule: () => {
      if (running) {
        pending = true;
        return;
      }
      running = run().finally(() => {
        running = undefined;
      });
      running.catch(() => undefined);
    },
    flush: async () => {
      if (running) await running.catch(() => undefined);
      await saveWorld(world, file);
    },
  };
}
