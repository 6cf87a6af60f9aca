/**
 * Reads the zod runbook schema at a path of the data being validated: which keys an object allows, what a
 * field is for and an example value. Diagnostics use it to suggest the key meant and to show how a missing
 * field is written. Unions are resolved the way zod resolves them (discriminator, or list vs mapping).
 */
import { z } from 'zod';

type Schema = z.core.$ZodType;

/** The parts of zod's internal definitions this module reads (stable across zod 4 releases). */
interface LooseDef {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  values?: unknown[];
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function defOf(schema: Schema): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

/** Strips optional/default/... wrappers, keeping the first description and examples met on the way. */
function unwrap(schema: Schema): { inner: Schema; description?: string; examples?: unknown[]; defaultValue?: unknown } {
  let current = schema;
  let description: string | undefined;
  let examples: unknown[] | undefined;
  let defaultValue: unknown;
  for (;;) {
    const meta = z.globalRegistry.get(current);
    description ??= meta?.description;
    examples ??= Array.isArray(meta?.examples) ? meta.examples : undefined;
    const def = defOf(current);
    if (def.type === 'default' && defaultValue === undefined) {
      defaultValue = (def as unknown as { defaultValue: unknown }).defaultValue;
    }
    const next = WRAPPERS.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined;
    if (!next) return { inner: current, description, examples, defaultValue };
    current = next;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function literalValues(schema: Schema | undefined): unknown[] {
  if (!schema) return [];
  return defOf(unwrap(schema).inner).values ?? [];
}

/** Picks the union member zod would have validated `data` against. */
function chooseOption(def: LooseDef, data: unknown): Schema | undefined {
  const options = def.options ?? [];
  if (def.discriminator) {
    const wanted = isRecord(data) ? data[def.discriminator] : undefined;
    return options.find((o) => literalValues(defOf(unwrap(o).inner).shape?.[def.discriminator ?? '']).includes(wanted));
  }
  const kind = Array.isArray(data) ? 'array' : isRecord(data) ? 'object' : undefined;
  return options.find((o) => defOf(unwrap(o).inner).type === kind) ?? options[0];
}

/** The concrete (unwrapped, union-resolved) schema for a node, given its data. */
function concrete(schema: Schema, data: unknown): Schema {
  let inner = unwrap(schema).inner;
  for (let guard = 0; guard < 8 && defOf(inner).type === 'union'; guard++) {
    const option = chooseOption(defOf(inner), data);
    if (!option) return inner;
    inner = unwrap(option).inner;
  }
  return inner;
}

function child(schema: Schema, data: unknown, segment: string | number): { schema?: Schema; data: unknown } {
  const def = defOf(concrete(schema, data));
  const childData = isRecord(data) || Array.isArray(data) ? (data as Record<string | number, unknown>)[segment] : undefined;
  if (def.type === 'object') return { schema: def.shape?.[String(segment)], data: childData };
  if (def.type === 'record') return { schema: def.valueType, data: childData };
  if (def.type === 'array') return { schema: def.element, data: childData };
  return { data: childData };
}

/** The schema of the value at `path` (before unwrapping), or undefined when the path leaves the schema. */
export function schemaAt(root: Schema, data: unknown, path: readonly (string | number)[]): Schema | undefined {
  let schema: Schema | undefined = root;
  let node = data;
  for (const segment of path) {
    if (!schema) return undefined;
    const next = child(schema, node, segment);
    schema = next.schema;
    node = next.data;
  }
  return schema;
}

/** Keys allowed in the object at `path` (resolving unions with the data there). */
export function allowedKeys(root: Schema, data: unknown, path: readonly (string | number)[]): string[] {
  const schema = schemaAt(root, data, path);
  if (!schema) return [];
  const node = path.reduce<unknown>((value, segment) => (isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[segment] : undefined), data);
  const def = defOf(concrete(schema, node));
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

export interface FieldHelp {
  description?: string;
  example?: unknown;
  /** Allowed literal values (enums, literals), when the field has a fixed set. */
  values?: unknown[];
}

/** What a field is for and an example value, for hints about missing or wrong fields. */
export function fieldHelp(root: Schema, data: unknown, path: readonly (string | number)[]): FieldHelp {
  const schema = schemaAt(root, data, path);
  if (!schema) return {};
  const { inner, description, examples, defaultValue } = unwrap(schema);
  const def = defOf(inner);
  const values = def.type === 'enum' ? Object.values((def as unknown as { entries: Record<string, unknown> }).entries) : def.values;
  return { description, example: examples?.[0] ?? defaultValue ?? values?.[0], values };
}
