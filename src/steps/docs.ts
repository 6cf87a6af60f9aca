/**
 * docs/step-kinds.md, generated from the registry: every kind with its summary, the resource types it applies to,
 * its parameters (from the zod schema) and its default wait. A test fails when the committed file is stale.
 */
import { z } from 'zod';
import { STEP_KINDS } from './registry.js';
import type { AnyStepKind } from './types.js';
import { renderDuration } from '../util/duration.js';

type JsonSchema = { type?: string | string[]; description?: string; default?: unknown; enum?: unknown[]; properties?: Record<string, JsonSchema>; required?: string[]; items?: JsonSchema; anyOf?: JsonSchema[] };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  return Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'value');
}

function renderParams(kind: AnyStepKind): string[] {
  const schema = z.toJSONSchema(kind.params as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return ['No parameters.'];
  const required = new Set(schema.required ?? []);
  return [
    '| Parameter | Type | Required | Default | Description |',
    '|---|---|---|---|---|',
    ...properties.map(([name, p]) =>
      `| \`${name}\` | ${cell(typeOf(p))} | ${required.has(name) ? 'yes' : 'no'} | ${p.default === undefined ? '' : `\`${cell(JSON.stringify(p.default))}\``} | ${cell(p.description ?? '')} |`,
    ),
  ];
}

export function renderStepKindDocs(): string {
  const lines = [
    '# Step kinds',
    '',
    '<!-- Generated from src/steps/registry.ts by renderStepKindDocs(); regenerate with',
    '     UPDATE_DOCS=1 npx vitest run test/steps/docs.test.ts -->',
    '',
    'Every step of a procedure names its kind with `uses:` and passes parameters under `with:`. Each kind observes',
    'before acting, does nothing when its desired state already holds, and declares the AWS calls it may make (which',
    '`--dry-run` prints and `drctl iam-policy` turns into least-privilege policies). When a runbook omits a procedure,',
    'drctl derives the standard one from these kinds (`drctl plan` shows it; `drctl init` writes it out).',
    '',
    '| Kind | Applies to | Summary |',
    '|---|---|---|',
    ...STEP_KINDS.map((k) => `| [\`${k.kind}\`](#${k.kind.replace(/\./g, '')}) | ${k.appliesTo.join(', ')} | ${cell(k.summary)} |`),
  ];
  for (const kind of STEP_KINDS) {
    lines.push('', `## ${kind.kind}`, '', kind.summary, '', `Applies to: ${kind.appliesTo.join(', ')}.`);
    lines.push(
      kind.wait
        ? `Waits for its effect: polls every ${renderDuration(kind.wait.pollMs)} (with gentle backoff), for up to ${renderDuration(kind.wait.timeoutMs)} unless the step sets \`timeout:\`.`
        : 'Done as soon as it has acted (no wait).',
      '',
      ...renderParams(kind),
    );
  }
  return `${lines.join('\n')}\n`;
}
