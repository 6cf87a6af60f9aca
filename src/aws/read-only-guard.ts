/**
 * The --dry-run guarantee, enforced inside the SDK: a middleware on every client that refuses any operation the
 * catalogue (operations.ts) does not list as a read. It runs in the `initialize` step, before serialisation,
 * signing or any network I/O, so even code that got hold of a raw client cannot mutate in a dry run.
 */
import { RefusedError } from '../errors.js';
import type { ServiceName } from './operations.js';
import { isReadOnlyOperation } from './operations.js';
import type { SdkClient } from './sdk-loader.js';

export const READ_ONLY_GUARD_NAME = 'drctlReadOnlyGuard';

type Handler = (args: unknown) => Promise<unknown>;
interface HandlerContext {
  commandName?: unknown;
}

/** The operation name of a command as the SDK reports it in the handler context (`DeleteXCommand` → `DeleteX`). */
export function operationFromCommandName(commandName: unknown): string {
  return typeof commandName === 'string' ? commandName.replace(/Command$/, '') : '';
}

export function readOnlyGuardMiddleware(service: ServiceName, describeTarget: string) {
  return (next: Handler, context: HandlerContext): Handler =>
    async (args: unknown) => {
      const operation = operationFromCommandName(context.commandName);
      if (!isReadOnlyOperation(service, operation)) {
        throw new RefusedError(
          'dry-run-mutation',
          `dry run: refused ${service} ${operation || '(unknown operation)'} in ${describeTarget}: it is not a read-only operation, and --dry-run never changes anything`,
          { hint: 'This is a bug in the step that asked for it (a dry run only observes). Run without --dry-run to make changes.' },
        );
      }
      return next(args);
    };
}

export function addReadOnlyGuard(client: SdkClient, service: ServiceName, describeTarget: string): void {
  client.middlewareStack.add(readOnlyGuardMiddleware(service, describeTarget), {
    step: 'initialize',
    name: READ_ONLY_GUARD_NAME,
    priority: 'high',
    override: true,
  });
}
