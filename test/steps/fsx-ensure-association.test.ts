import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateDataRepositoryAssociationCommand,
  DeleteDataRepositoryAssociationCommand,
  DescribeDataRepositoryAssociationsCommand,
  DescribeFileSystemsCommand,
  UpdateDataRepositoryAssociationCommand,
} from '@aws-sdk/client-fsx';
import { GetBucketLocationCommand } from '@aws-sdk/client-s3';
import { fsxEnsureAssociation } from '../../src/steps/fsx-ensure-association.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import type { StepContextOptions } from '../helpers/step-context.js';
import { DR_FS, DR_REGION, fixtureRunbookInput, dra, lustreFs, mockAws } from './fsx-s3-fixtures.js';
import { testRunbook } from '../helpers/step-context.js';

const aws = mockAws();
afterAll(() => aws.restore());

const DATA = 's3://lustre-dr/data/';
const MODELS = 's3://lustre-dr/models/';

beforeEach(() => {
  aws.reset();
  aws.s3.on(GetBucketLocationCommand, { Bucket: 'lustre-dr' }).resolves({ LocationConstraint: DR_REGION });
  aws.fsx.on(DescribeFileSystemsCommand, { FileSystemIds: [DR_FS] }).resolves({ FileSystems: [lustreFs(DR_FS, 'AVAILABLE')] });
});

const ctxFor = (options: StepContextOptions = {}) => buildStepContext({ runbook: testRunbook(fixtureRunbookInput()), resource: 'lustre', stepId: 'dr-associations', ...options });

function associations(...list: ReturnType<typeof dra>[]) {
  aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({ Associations: list });
}

const decideNow = async (ctx = ctxFor()) => fsxEnsureAssociation.decide(await fsxEnsureAssociation.observe(ctx, { side: 'secondary' }), { side: 'secondary' }, ctx);

describe('fsx.ensure-association', () => {
  it('is done when every declared association is AVAILABLE with its policies', async () => {
    associations(dra('dra-1', DR_FS, '/data', DATA), dra('dra-2', DR_FS, '/models', MODELS));
    const run = await runStep(fsxEnsureAssociation, ctxFor());
    expect(run.final).toMatchObject({ state: 'done', outputs: { fileSystemId: DR_FS, associationIds: ['dra-1', 'dra-2'] } });
  });

  it('creates a missing association with a deterministic token, one at a time', async () => {
    associations(dra('dra-2', DR_FS, '/models', MODELS));
    aws.fsx.on(CreateDataRepositoryAssociationCommand).resolves({ Association: dra('dra-1', DR_FS, '/data', DATA, 'CREATING') });
    const ctx = ctxFor();
    const decision = await decideNow(ctx);
    expect(decision).toMatchObject({ state: 'apply', phase: 'create:/data#0' });
    await fsxEnsureAssociation.apply(ctx, { side: 'secondary' }, await fsxEnsureAssociation.observe(ctx, { side: 'secondary' }), 'create:/data#0');
    expect(aws.fsx.commandCalls(CreateDataRepositoryAssociationCommand)[0]?.args[0].input).toMatchObject({
      FileSystemId: DR_FS,
      FileSystemPath: '/data',
      DataRepositoryPath: DATA,
      BatchImportMetaDataOnCreate: false,
      S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] }, AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
      ClientRequestToken: ctx.token('dra-data-0', 63),
    });
  });

  it('waits while an association is CREATING, saying how long and what to check when it is slow', async () => {
    associations(dra('dra-1', DR_FS, '/data', DATA, 'CREATING'), dra('dra-2', DR_FS, '/models', MODELS));
    const ctx = ctxFor();
    ctx.clock.set(Date.parse('2026-01-01T00:10:00Z'));
    const decision = await decideNow(ctx);
    expect(decision.state).toBe('waiting');
    expect(decision.state === 'waiting' && decision.reason).toContain('is CREATING for 15m');
    expect(decision.state === 'waiting' && decision.reason).toContain(`AWSServiceRoleForFSxS3Access_${DR_FS}`);
  });

  it('deletes a FAILED association (keeping Lustre data) and creates it again with a new token', async () => {
    associations(dra('dra-1', DR_FS, '/data', DATA, 'FAILED', { FailureDetails: { Message: 'bucket not found' } }), dra('dra-2', DR_FS, '/models', MODELS));
    aws.fsx.on(DeleteDataRepositoryAssociationCommand).callsFake(() => {
      associations(dra('dra-2', DR_FS, '/models', MODELS));
      return { AssociationId: 'dra-1', Lifecycle: 'DELETING' };
    });
    aws.fsx.on(CreateDataRepositoryAssociationCommand).callsFake(() => {
      associations(dra('dra-3', DR_FS, '/data', DATA), dra('dra-2', DR_FS, '/models', MODELS));
      return { Association: dra('dra-3', DR_FS, '/data', DATA, 'CREATING') };
    });
    const ctx = ctxFor();
    const run = await runStep(fsxEnsureAssociation, ctx);
    expect(run.decisions[0]?.state === 'apply' && run.decisions[0].reason).toContain('is FAILED: bucket not found');
    expect(run.phases).toEqual(['delete:/data#1', 'create:/data#1']);
    expect(aws.fsx.commandCalls(DeleteDataRepositoryAssociationCommand)[0]?.args[0].input).toMatchObject({ AssociationId: 'dra-1', DeleteDataInFileSystem: false });
    expect(aws.fsx.commandCalls(CreateDataRepositoryAssociationCommand)[0]?.args[0].input.ClientRequestToken).toBe(ctx.token('dra-data-1', 63));
    expect(run.final.state).toBe('done');
  });

  it('repairs a MISCONFIGURED association with an update, waits 15 minutes, then refuses with the usual causes', async () => {
    associations(dra('dra-1', DR_FS, '/data', DATA, 'MISCONFIGURED'), dra('dra-2', DR_FS, '/models', MODELS));
    aws.fsx.on(UpdateDataRepositoryAssociationCommand).resolves({});
    const ctx = ctxFor();
    const run = await runStep(fsxEnsureAssociation, ctx, {}, { pollMs: 5 * 60_000, maxRounds: 6 });
    expect(run.phases).toEqual(['repair:/data#a1']);
    expect(aws.fsx.commandCalls(UpdateDataRepositoryAssociationCommand)[0]?.args[0].input).toMatchObject({ AssociationId: 'dra-1', S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } } });
    expect(run.decisions[1]?.state).toBe('waiting');
    expect(run.final.state).toBe('blocked');
    expect(run.final.state === 'blocked' && run.final.hint).toContain('"FSx" event notification');
  });

  it('updates policies that differ from the runbook', async () => {
    associations(dra('dra-1', DR_FS, '/data', DATA, 'AVAILABLE', { S3: { AutoImportPolicy: { Events: ['NEW'] } } }), dra('dra-2', DR_FS, '/models', MODELS));
    const decision = await decideNow();
    expect(decision).toMatchObject({ state: 'apply', phase: 'update:/data#1' });
    expect(decision.state === 'apply' && decision.reason).toContain('auto-import [NEW] → [NEW,CHANGED,DELETED], auto-export [] → [NEW,CHANGED,DELETED]');
  });

  it('refuses to link a path that overlaps an existing association', async () => {
    associations(dra('dra-9', DR_FS, '/data/raw', 's3://other/raw/'), dra('dra-2', DR_FS, '/models', MODELS));
    const decision = await decideNow();
    expect(decision.state === 'blocked' && decision.reason).toContain('it overlaps dra-9 (/data/raw ↔ s3://other/raw/)');
  });

  it('refuses a ninth association', async () => {
    associations(...Array.from({ length: 8 }, (_, i) => dra(`dra-x${i}`, DR_FS, `/other${i}`, `s3://other/p${i}/`)), dra('dra-2', DR_FS, '/models', MODELS));
    const decision = await decideNow();
    expect(decision.state === 'blocked' && decision.reason).toContain('already has 9 data repository associations');
  });

  it('refuses an association linked to another bucket path, or replaces it with --force', async () => {
    associations(dra('dra-1', DR_FS, '/data', 's3://someone-else/data/'), dra('dra-2', DR_FS, '/models', MODELS));
    const blocked = await decideNow();
    expect(blocked.state === 'blocked' && blocked.reason).toContain('links /data to s3://someone-else/data/, but the runbook says s3://lustre-dr/data/');
    const forced = await decideNow(ctxFor({ flags: { force: true } }));
    expect(forced).toMatchObject({ state: 'apply', phase: 'delete:/data#1' });
  });

  it('refuses auto-import from a bucket in another region before FSx would', async () => {
    const input = fixtureRunbookInput() as { filesystems: { lustre: { secondary: { associations: Array<Record<string, unknown>> } } } };
    input.filesystems.lustre.secondary.associations[0]!.region = 'us-east-2';
    aws.s3.on(GetBucketLocationCommand, { Bucket: 'lustre-dr' }).resolves({ LocationConstraint: 'us-east-2' });
    associations();
    const decision = await decideNow(ctxFor({ runbook: testRunbook(input as Record<string, unknown>) }));
    expect(decision.state === 'blocked' && decision.reason).toContain('FSx auto-import needs the bucket in the file system\'s region');
  });

  it('refuses a linked bucket that is not in the declared region', async () => {
    aws.s3.on(GetBucketLocationCommand, { Bucket: 'lustre-dr' }).resolves({ LocationConstraint: 'eu-west-1' });
    associations();
    const decision = await decideNow();
    expect(decision.state === 'blocked' && decision.reason).toContain('bucket lustre-dr is in eu-west-1, but the runbook declares it in us-west-2');
  });

  it('refuses when the file system is not there yet', async () => {
    const decision = await decideNow(ctxFor({ runbook: testRunbook(fixtureRunbookInput()), resource: 'pilot' }));
    expect(decision.state === 'blocked' && decision.hint).toContain('fsx.ensure-filesystem');
  });

  it('passes throttling on as retryable and maps a refused create', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).rejectsOnce(awsError('ThrottlingException')).resolves({ Associations: [] });
    await expect(fsxEnsureAssociation.observe(ctxFor(), { side: 'secondary' })).rejects.toMatchObject({ retryable: true });
    aws.fsx.on(CreateDataRepositoryAssociationCommand).rejects(awsError('ServiceLimitExceeded', { message: 'too many associations' }));
    const ctx = ctxFor();
    const obs = await fsxEnsureAssociation.observe(ctx, { side: 'secondary' });
    await expect(fsxEnsureAssociation.apply(ctx, { side: 'secondary' }, obs, 'create:/data#0')).rejects.toMatchObject({ awsErrorName: 'ServiceLimitExceeded', retryable: false, region: DR_REGION });
  });
});
