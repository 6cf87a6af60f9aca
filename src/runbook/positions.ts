/**
 * Where things are in the YAML text: turns a value's path in the runbook into the line:col of its node, so
 * schema and rule diagnostics can point at the exact spot an operator has to edit.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export interface SourcePosition {
  line: number;
  col: number;
}

/**
 * - `value`: the value node (wrong format, wrong type); falls back to its key when the value is empty.
 * - `key`: the key of the last path segment (unknown keys, invalid names, duplicate resources).
 * - `owner`: the path does not exist (missing field): the key that introduces the deepest existing node.
 */
export type PositionTarget = 'value' | 'key' | 'owner';

export interface SourceMap {
  locate(path: readonly (string | number)[], target?: PositionTarget): SourcePosition;
}

const START: SourcePosition = { line: 1, col: 1 };

/** Builds a SourceMap over an already parsed document. */
export function createSourceMap(doc: Document.Parsed, lineCounter: LineCounter): SourceMap {
  const at = (node: Node | null | undefined): SourcePosition | undefined => {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

  return {
    locate(path, target = 'value') {
      let node: unknown = resolve(doc.contents);
      // Position of the deepest node found so far, as the key or item that introduces it.
      let introducer: SourcePosition | undefined;
      for (let i = 0; i < path.length; i++) {
        const segment = path[i];
        const isLast = i === path.length - 1;
        let keyPos: SourcePosition | undefined;
        let child: unknown;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          if (!pair) return introducer ?? START;
          keyPos = at(pair.key as Node);
          child = resolve(pair.value);
          if (isLast && target === 'key' && keyPos) return keyPos;
        } else if (isSeq(node) && typeof segment === 'number') {
          child = resolve(node.items[segment]);
          if (child === undefined) return introducer ?? START;
          keyPos = at(child as Node);
        } else {
          return introducer ?? START;
        }
        introducer = keyPos ?? introducer;
        node = child;
      }
      if (target === 'owner') return introducer ?? START;
      const valuePos = isEmptyScalar(node) ? undefined : at(node as Node);
      return valuePos ?? introducer ?? START;
    },
  };
}

function isEmptyScalar(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
}

/** Positions for `path` in `text` (used where only the text is at hand, e.g. cross-file diagnostics). */
export function locateInText(text: string, path: readonly (string | number)[], target: PositionTarget = 'value'): SourcePosition {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  return createSourceMap(doc, lineCounter).locate(path, target);
}
