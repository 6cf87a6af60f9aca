/**
 * The same failover and failback over HTTP: the sandbox server on 127.0.0.1 (port 0) serves the harness's world,
 * and the gateway reaches it through `sandbox: { endpoint }` with the SDK's real HTTP handler, as
 * `drctl failover --sandbox-endpoint` does. The world's FakeClock is shared with the engine, so waits stay virtual.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandboxServer } from '../../src/sandbox/http-server.js';
import type { SandboxServer } from '../../src/sandbox/http-server.js';
import type { SandboxRequestRecord } from '../../src/sandbox/router.js';
import { openSandboxRun } from '../helpers/sandbox-run.js';
import type { SandboxRun } from '../helpers/sandbox-run.js';
import { PRIMARY, SECONDARY, expectFailedOver, expectProtected } from './efs-expect.js';

let h: SandboxRun;
let server: SandboxServer;
let served: SandboxRequestRecord[];

beforeEach(async () => {
  h = await openSandboxRun();
  served = [];
  server = await startSandboxServer({ world: h.world, port: 0, host: '127.0.0.1', onRequest: (r) => served.push(r) });
});
afterEach(async () => {
  await h.close();
  await server.close();
});

/** The sandbox's private data plane over HTTP (what drills use for canaries). */
async function putFile(side: typeof PRIMARY | typeof SECONDARY, path: string, content: string): Promise<number> {
  const response = await fetch(`${server.url}/_sandbox/efs/${side.fileSystemId}/files${path}`, {
    method: 'PUT',
    body: content,
    headers: { 'x-sandbox-account': side.accountId, 'x-sandbox-region': side.region },
  });
  await response.arrayBuffer();
  return response.status;
}

async function getFile(side: typeof PRIMARY | typeof SECONDARY, path: string): Promise<string | undefined> {
  const response = await fetch(`${server.url}/_sandbox/efs/${side.fileSystemId}/files${path}`, {
    headers: { 'x-sandbox-account': side.accountId, 'x-sandbox-region': side.region },
  });
  const text = await response.text();
  return response.status === 200 ? text : undefined;
}

describe('EFS failover and failback over HTTP', () => {
  it('exit 0 each, the same final state, every request served over the socket', async () => {
    const endpoint = { endpoint: server.url };
    const failover = await h.run('failover', { sandbox: endpoint });
    expect(failover.outcome.exitCode).toBe(0);
    await expectFailedOver(h);
    expect(await putFile(SECONDARY, '/app/over-http.txt', 'via the wire')).toBe(200);

    const failback = await h.run('failback', { sandbox: endpoint });
    expect(failback.outcome.exitCode).toBe(0);
    await expectProtected(h);
    expect(await getFile(PRIMARY, '/app/over-http.txt')).toBe('via the wire');
    // The DR copy is a replica again: clients cannot write to it.
    expect(await putFile(SECONDARY, '/app/late.txt', 'refused')).toBe(409);

    // Nothing went through the in-process handler; the server answered identities and every EFS change.
    expect(h.requests).toEqual([]);
    const operations = new Set(served.map((r) => `${r.service} ${r.operation}`));
    for (const expected of ['sts AssumeRole', 'sts GetCallerIdentity', 'efs DeleteReplicationConfiguration', 'efs UpdateFileSystemProtection', 'efs CreateReplicationConfiguration']) {
      expect(operations).toContain(expected);
    }
    const mutations = served.filter((r) => r.operation && ['DeleteReplicationConfiguration', 'UpdateFileSystemProtection', 'CreateReplicationConfiguration'].includes(r.operation));
    expect(mutations.map((r) => `${r.operation} ${r.accountId}/${r.region} ${r.status}`)).toEqual([
      `DeleteReplicationConfiguration ${SECONDARY.accountId}/${SECONDARY.region} 204`,
      `UpdateFileSystemProtection ${PRIMARY.accountId}/${PRIMARY.region} 200`,
      `CreateReplicationConfiguration ${SECONDARY.accountId}/${SECONDARY.region} 200`,
      `DeleteReplicationConfiguration ${PRIMARY.accountId}/${PRIMARY.region} 204`,
      `UpdateFileSystemProtection ${SECONDARY.accountId}/${SECONDARY.region} 200`,
      `CreateReplicationConfiguration ${PRIMARY.accountId}/${PRIMARY.region} 200`,
    ]);
  });
});
