import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, describeResult } from '../helpers/spawn-drctl.js';
import type { Workspace } from '../helpers/spawn-drctl.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => ws.remove());

describe('drctl sandbox on a port in use', () => {
  it('says the port is taken and how to pick another (exit 2, no stack trace)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await ws.run(['sandbox', '--port', String(port)]);
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toContain(`port-in-use] port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('--port 0 for any free one');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
