/** Facts about a resource that outlive a run (the last failover's time, an orphaned configuration...). */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { StateDir } from './state-dir.js';
import type { ResourceMemory } from '../steps/types.js';

export async function readMemory(dir: StateDir, runbook: string, resource: string): Promise<ResourceMemory> {
  try {
    return JSON.parse(await readFile(dir.memoryFile(runbook, resource), 'utf8')) as ResourceMemory;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

export async function writeMemory(dir: StateDir, runbook: string, resource: string, memory: ResourceMemory): Promise<void> {
  await writeFileAtomic(dir.memoryFile(runbook, resource), `${JSON.stringify(memory, null, 2)}\n`);
}
