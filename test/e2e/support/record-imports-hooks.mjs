// Module customization hooks (run on the loader thread): log each resolved URL, change nothing.
import { appendFileSync } from 'node:fs';

let log;

export async function initialize(data) {
  log = data?.log;
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${result.url}\n`);
  return result;
}
