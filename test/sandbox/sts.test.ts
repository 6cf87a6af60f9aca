import { AssumeRoleCommand, ExpiredTokenException, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeFileSystemsCommand } from '@aws-sdk/client-efs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFileSystem } from '../../src/sandbox/services/efs/file-systems.js';
import { ACCOUNT_A, ACCOUNT_B, BASE_CREDENTIALS, errorOf, makeCoreKit, REGION_A, type CoreKit } from './kit.js';

const ROLE_B = `arn:aws:iam::${ACCOUNT_B}:role/drctl-dr`;
const ROLE_WITH_EXTERNAL_ID = `arn:aws:iam::${ACCOUNT_B}:role/vendor`;

describe('sandbox STS', () => {
  let kit: CoreKit;
  beforeEach(() => {
    kit = makeCoreKit();
    kit.world.setBaseAccount(ACCOUNT_A);
    kit.world.addAccount({ accountId: ACCOUNT_B, name: 'dr', roles: [{ arn: ROLE_B }, { arn: ROLE_WITH_EXTERNAL_ID, externalId: 'ext-123' }] });
  });

  it('GetCallerIdentity names the base key as a user of the base account', async () => {
    const me = await kit.sts(BASE_CREDENTIALS).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(ACCOUNT_A);
    expect(me.Arn).toBe(`arn:aws:iam::${ACCOUNT_A}:user/sandbox`);
    expect(me.UserId).toBeTruthy();
    expect(me.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('AssumeRole into a declared account returns temporary credentials that act as that account', async () => {
    const out = await kit.sts(BASE_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'drctl-run-1', DurationSeconds: 900 }));
    const creds = out.Credentials;
    expect(creds?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(creds?.SessionToken).toBeTruthy();
    expect(creds?.Expiration?.getTime()).toBe(kit.clock.now() + 900_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT_B}:assumed-role/drctl-dr/drctl-run-1`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[0-9A-Z]+:drctl-run-1$/);

    const assumed = { accessKeyId: creds?.AccessKeyId ?? '', secretAccessKey: creds?.SecretAccessKey ?? '', sessionToken: creds?.SessionToken ?? '' };
    const me = await kit.sts(assumed).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(ACCOUNT_B);
    expect(me.Arn).toBe(`arn:aws:sts::${ACCOUNT_B}:assumed-role/drctl-dr/drctl-run-1`);

    // Every other service takes the calling account from the key: EFS shows account B's file systems.
    createFileSystem(kit.world, ACCOUNT_B, REGION_A, { fileSystemId: 'fs-0000000000000000b' });
    createFileSystem(kit.world, ACCOUNT_A, REGION_A, { fileSystemId: 'fs-0000000000000000a' });
    const listed = await kit.efsWith(assumed, REGION_A).send(new DescribeFileSystemsCommand({}));
    expect(listed.FileSystems?.map((f) => f.FileSystemId)).toEqual(['fs-0000000000000000b']);
  });

  it('refuses roles of undeclared accounts and undeclared roles with AccessDenied', async () => {
    for (const roleArn of ['arn:aws:iam::999999999999:role/drctl-dr', `arn:aws:iam::${ACCOUNT_B}:role/not-declared`]) {
      const error = await errorOf(kit.sts(BASE_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1' })));
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata?.httpStatusCode).toBe(403);
      expect(error.message).toContain(roleArn);
    }
  });

  it('checks the external id when the role declares one', async () => {
    const sts = kit.sts(BASE_CREDENTIALS);
    expect((await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: ROLE_WITH_EXTERNAL_ID, RoleSessionName: 's1' })))).name).toBe('AccessDenied');
    expect((await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: ROLE_WITH_EXTERNAL_ID, RoleSessionName: 's1', ExternalId: 'wrong' })))).name).toBe('AccessDenied');
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_WITH_EXTERNAL_ID, RoleSessionName: 's1', ExternalId: 'ext-123' }));
    expect(ok.Credentials?.AccessKeyId).toBeTruthy();
  });

  it('validates session name and duration, including the 1-hour limit for role chaining', async () => {
    const sts = kit.sts(BASE_CREDENTIALS);
    const badName = await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'x' })));
    expect(badName.name).toBe('ValidationError');
    const tooLong = await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'ok', DurationSeconds: 50_000 })));
    expect(tooLong.name).toBe('ValidationError');

    const first = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'hop1' }));
    const chained = kit.sts({
      accessKeyId: first.Credentials?.AccessKeyId ?? '',
      secretAccessKey: first.Credentials?.SecretAccessKey ?? '',
      sessionToken: first.Credentials?.SessionToken ?? '',
    });
    const error = await errorOf(chained.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'hop2', DurationSeconds: 7200 })));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toContain('role chaining');
    expect((await chained.send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'hop2', DurationSeconds: 3600 }))).Credentials).toBeDefined();
  });

  it('rejects unknown keys with InvalidClientTokenId and expired ones with ExpiredTokenException', async () => {
    const unknown = await errorOf(kit.sts({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})));
    expect(unknown.name).toBe('InvalidClientTokenId');
    expect(unknown.$metadata?.httpStatusCode).toBe(403);

    const out = await kit.sts(BASE_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'short', DurationSeconds: 900 }));
    const creds = { accessKeyId: out.Credentials?.AccessKeyId ?? '', secretAccessKey: out.Credentials?.SecretAccessKey ?? '', sessionToken: out.Credentials?.SessionToken ?? '' };
    kit.clock.advance(901_000);
    const expired = await errorOf(kit.sts(creds).send(new GetCallerIdentityCommand({})));
    expect(expired).toBeInstanceOf(ExpiredTokenException);
    expect(expired.$metadata?.httpStatusCode).toBe(400);

    const efsExpired = await errorOf(kit.efsWith(creds, REGION_A).send(new DescribeFileSystemsCommand({})));
    expect(efsExpired.name).toBe('ExpiredTokenException');
  });

  it('rejects a temporary key presented without its session token', async () => {
    const out = await kit.sts(BASE_CREDENTIALS).send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: 'tok' }));
    const error = await errorOf(kit.sts({ accessKeyId: out.Credentials?.AccessKeyId ?? '', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('InvalidClientTokenId');
  });
});
