/**
 * writeInitRunbook: renders the runbook, proves it valid with the project's own parser (the same checks as
 * `drctl validate`), refuses to overwrite an existing file unless forced and to reuse a resource name another
 * runbook in the same directory declares, then writes it.
 */
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { hasErrors, renderDiagnostic } from '../runbook/diagnostics.js';
import { parseRunbook } from '../runbook/parse.js';
import { readRunbooks } from '../runbook/read.js';
import type { InitAnswers } from './answers.js';
import { renderInitRunbook } from './render.js';

export interface InitWriteResult {
  path: string;
  text: string;
  /** Whether schema.json sits beside the file (the first line points editors at it). */
  schemaBeside: boolean;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function assertWritable(path: string, force: boolean): Promise<void> {
  if (!force && (await exists(path))) {
    throw new InputError('file-exists', `${path} already exists; nothing was written`, {
      hint: 'Pass --force to overwrite it, or --out <another file>.',
    });
  }
}

/** A resource name must stay unique across the runbooks of a directory (--fs must be unambiguous). */
async function assertNameFree(path: string, name: string): Promise<void> {
  const dir = dirname(path);
  if (!(await exists(dir))) return;
  const { loaded } = await readRunbooks(dir, dir);
  const owner = loaded.find((rb) => rb.path !== path && Object.hasOwn(rb.runbook.filesystems, name));
  if (owner) {
    throw new InputError('duplicate-resource', `resource '${name}' is already declared in ${join(dir, owner.file)}; nothing was written`, {
      hint: 'Pick another --name, or --out a file in another directory.',
    });
  }
}

export async function writeInitRunbook(answers: InitAnswers, path: string, force: boolean): Promise<InitWriteResult> {
  await assertWritable(path, force);
  await assertNameFree(path, answers.name);
  const text = renderInitRunbook(answers);
  const result = parseRunbook(text, path);
  if (!result.ok && hasErrors(result.diagnostics)) {
    throw new InputError('init-invalid', `these answers do not make a valid runbook; nothing was written`, {
      details: result.diagnostics.map(renderDiagnostic),
      hint: 'Correct the options named above and run drctl init again.',
    });
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, { flag: force ? 'w' : 'wx' });
  return { path, text, schemaBeside: await exists(join(dirname(path), 'schema.json')) };
}
