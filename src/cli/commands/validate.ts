/** drctl validate: every problem in every runbook at once; never touches AWS. */
import { readRunbooks } from '../../runbook/read.js';
import { hasErrors, renderDiagnostic } from '../../runbook/diagnostics.js';
import type { Output } from '../../report/output.js';
import { ExitCode } from '../../errors.js';
import { resolveProcedure } from '../../steps/procedures.js';

export async function validateCommand(raw: { file?: string }, output: Output): Promise<number> {
  const { loaded, diagnostics } = await readRunbooks(raw.file, process.cwd());
  for (const d of diagnostics) output.err(renderDiagnostic(d));
  if (hasErrors(diagnostics)) {
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    output.err(`${n} problem${n === 1 ? '' : 's'} found.`);
    return ExitCode.invalidInput;
  }
  for (const rb of loaded) {
    output.out(`${rb.file}: ok (runbook ${rb.name}, digest ${rb.digest.slice(0, 12)})`);
    for (const [name, resource] of Object.entries(rb.runbook.filesystems)) {
      const failover = resolveProcedure(name, resource, 'failover', 'preserve');
      const failback = resolveProcedure(name, resource, 'failback', 'preserve');
      const origin = (p: { derived: boolean }) => (p.derived ? 'standard' : 'declared');
      output.out(`  ${name} (${resource.type}): failover ${failover.steps.length} steps (${origin(failover)}), failback ${failback.steps.length} steps (${origin(failback)})`);
    }
  }
  return ExitCode.ok;
}
