/**
 * URI-template routing for REST protocols (EFS restJson1, and usable for restXml). Literal segments outrank
 * `{label}`s (so `/file-systems/replication-configurations` beats `/file-systems/{FileSystemId}`), and a greedy
 * `{Key+}` label takes the rest of the path.
 */
import { decodeSegment } from './path.js';

export interface RouteDefinition<Op extends string> {
  method: string;
  /** e.g. `/2015-02-01/file-systems/{FileSystemId}/protection` */
  path: string;
  operation: Op;
}

export interface RouteMatch<Op extends string> {
  operation: Op;
  labels: Record<string, string>;
}

interface CompiledRoute<Op extends string> {
  method: string;
  segments: string[];
  operation: Op;
  /** Higher is more specific: literal segments count before labels. */
  rank: number;
}

export class RestRouter<Op extends string> {
  private readonly routes: CompiledRoute<Op>[];

  constructor(definitions: Array<RouteDefinition<Op>>) {
    this.routes = definitions
      .map((d) => {
        const segments = splitPath(d.path);
        const literals = segments.filter((s) => !s.startsWith('{')).length;
        return { method: d.method.toUpperCase(), segments, operation: d.operation, rank: literals * 1000 + segments.length };
      })
      .sort((a, b) => b.rank - a.rank);
  }

  match(method: string, path: string): RouteMatch<Op> | undefined {
    const parts = splitPath(path);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase()) continue;
      const labels = matchSegments(route.segments, parts);
      if (labels) return { operation: route.operation, labels };
    }
    return undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] ?? '';
    if (t.startsWith('{') && t.endsWith('+}')) {
      if (i >= parts.length) return undefined;
      labels[t.slice(1, -2)] = parts.slice(i).map(safeDecode).join('/');
      return labels;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (t.startsWith('{')) labels[t.slice(1, -1)] = safeDecode(part);
    else if (t !== part) return undefined;
  }
  return parts.length === template.length ? labels : undefined;
}

function safeDecode(segment: string): string {
  return decodeSegment(segment);
}
