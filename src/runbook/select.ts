/** Which runbook and resources a command acts on, from --fs and --all. Pure; errors are InputErrors (exit 2). */
import { InputError } from '../errors.js';
import type { LoadedRunbook } from './read.js';
import { closestMatch } from './suggest.js';

export interface ResourceSelection {
  runbook: LoadedRunbook;
  /** Resource names, in the order given (--fs) or declared (--all), without duplicates. */
  resources: string[];
}

function available(loaded: readonly LoadedRunbook[]): string {
  return loaded.map((rb) => `${Object.keys(rb.runbook.filesystems).join(', ')} (${rb.file})`).join('; ');
}

export function selectResources(loaded: readonly LoadedRunbook[], fsNames: readonly string[], all: boolean): ResourceSelection {
  const names = [...new Set(fsNames.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean))];
  if (loaded.length === 0) {
    throw new InputError('no-runbooks', 'no runbook was loaded, so there is nothing to select', {
      hint: 'Pass the runbook with -f <file>, or put runbooks in ./runbooks.',
    });
  }
  if (names.length > 0 && all) {
    throw new InputError('conflicting-selection', '--fs and --all were both given', {
      hint: 'Use --fs <name> for some resources, or --all for every resource of one runbook.',
    });
  }
  if (names.length === 0 && !all) {
    throw new InputError('no-selection', 'no resource selected: pass --fs <name> or --all', {
      hint: `Resources: ${available(loaded)}.`,
    });
  }
  if (all) {
    const [only, ...others] = loaded;
    if (!only || others.length > 0) {
      throw new InputError('ambiguous-selection', `--all would span ${loaded.length} runbooks (${loaded.map((rb) => rb.file).join(', ')})`, {
        hint: 'A run acts on one runbook: pass -f <file> with --all, or name resources with --fs.',
      });
    }
    return { runbook: only, resources: Object.keys(only.runbook.filesystems) };
  }
  const owners = new Map<string, LoadedRunbook>();
  const unknown: string[] = [];
  for (const name of names) {
    const owner = loaded.find((rb) => Object.hasOwn(rb.runbook.filesystems, name));
    if (owner) owners.set(name, owner);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    const known = loaded.flatMap((rb) => Object.keys(rb.runbook.filesystems));
    const suggestion = unknown.length === 1 ? closestMatch(unknown[0] ?? '', known) : undefined;
    throw new InputError('unknown-resource', `no runbook declares ${unknown.map((n) => `'${n}'`).join(', ')}`, {
      hint: `${suggestion ? `Did you mean --fs ${suggestion}? ` : ''}Resources: ${available(loaded)}.`,
    });
  }
  const runbooks = [...new Set(owners.values())];
  const [runbook, ...more] = runbooks;
  if (!runbook || more.length > 0) {
    const byRunbook = runbooks.map((rb) => `${names.filter((n) => owners.get(n) === rb).join(', ')} (${rb.file})`).join('; ');
    throw new InputError('resources-in-several-runbooks', `the selected resources belong to several runbooks: ${byRunbook}`, {
      hint: 'Run one command per runbook, e.g. one drctl command with --fs for the resources of each file.',
    });
  }
  return { runbook, resources: names };
}
