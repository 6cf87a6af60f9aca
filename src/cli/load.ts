/** Shared by commands: read the runbooks (or fail with every diagnostic, exit 2) and pick the resources. */
import { InputError } from '../errors.js';
import { readRunbooks, selectResources } from '../runbook/read.js';
import type { LoadedRunbook } from '../runbook/read.js';
import { renderDiagnostic, hasErrors } from '../runbook/diagnostics.js';

export async function loadRunbooksOrFail(file: string | undefined): Promise<LoadedRunbook[]> {
  const { loaded, diagnostics } = await readRunbooks(file, process.cwd());
  if (hasErrors(diagnostics)) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    throw new InputError('invalid-runbook', `${errors.length} problem${errors.length === 1 ? '' : 's'} in the runbooks; nothing was run`, {
      details: diagnostics.map((d) => renderDiagnostic(d)),
      hint: 'Fix the lines above (`drctl validate` re-checks without touching AWS).',
    });
  }
  return loaded;
}

export async function loadSelection(file: string | undefined, fs: string[], all: boolean): Promise<{ loaded: LoadedRunbook[]; runbook: LoadedRunbook; resources: string[] }> {
  const loaded = await loadRunbooksOrFail(file);
  const selection = selectResources(loaded, fs, all);
  return { loaded, ...selection };
}
