/**
 * Saving and loading a World. The data is plain JSON, written atomically (temp file in the same directory, fsync,
 * rename) so a crash never leaves a half-written world. Concurrency is last-writer-wins: two processes that load
 * the same file and both save lose the first one's changes (docs/sandbox.md explains when this matters).
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../util/clock.js';
import { WORLD_FORMAT, WORLD_VERSION, World, type WorldData } from './world.js';

export async function saveWorld(world: World, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(world.data));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The saved world, or undefined when the file does not exist. A file that is not a sandbox world is an error. */
export async function loadWorld(file: string, clock: Clock): Promise<World | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`The sandbox world file ${file} is not valid JSON. Delete it (drctl sandbox reset) to start from the runbooks again.`);
  }
  const record = data as Partial<WorldData> | null;
  if (!record || record.format !== WORLD_FORMAT) {
    throw new Error(`${file} is not a drctl sandbox world. Delete it (drctl sandbox reset) to start from the runbooks again.`);
  }
  if (record.version !== WORLD_VERSION) {
    throw new Error(`The sandbox world ${file} has format version ${record.version}; this drctl reads version ${WORLD_VERSION}. Run drctl sandbox reset.`);
  }
  return new World({ clock }, record as WorldData);
}
