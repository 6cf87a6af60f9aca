import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DeleteDataRepositoryAssociationCommand, DescribeDataRepositoryAssociationsCommand } from '@aws-sdk/client-fsx';
import { fsxRemoveAssociation } from '../../src/steps/fsx-remove-association.js';
import { awsError, buildStepContext, runStep } from '../helpers/step-context.js';
import { DR_FS, dra, fixtureRunbook, mockAws } from './fsx-s3-fixtures.js';

const aws = mockAws();
afterAll(() => aws.restore());
beforeEach(() => aws.reset());

const ctxFor = () => buildStepContext({ runbook: fixtureRunbook(), resource: 'lustre', stepId: 'unlink' });

describe('fsx.remove-association', () => {
  it('deletes the declared associations one at a time, keeping Lustre data, and waits until they are gone', async () => {
    let list = [dra('dra-1', DR_FS, '/data', 's3://lustre-dr/data/'), dra('dra-2', DR_FS, '/models', 's3://lustre-dr/models/'), dra('dra-9', DR_FS, '/other', 's3://x/')];
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).callsFake(() => ({ Associations: list }));
    aws.fsx.on(DeleteDataRepositoryAssociationCommand).callsFake((input: { AssociationId: string }) => {
      list = list.filter((d) => d.AssociationId !== input.AssociationId);
      return { AssociationId: input.AssociationId, Lifecycle: 'DELETING' };
    });
    const run = await runStep(fsxRemoveAssociation, ctxFor());
    expect(run.phases).toEqual(['delete:/data', 'delete:/models']);
    expect(run.final.state).toBe('done');
    expect(aws.fsx.commandCalls(DeleteDataRepositoryAssociationCommand).map((c) => [c.args[0].input.AssociationId, c.args[0].input.DeleteDataInFileSystem])).toEqual([
      ['dra-1', false],
      ['dra-2', false],
    ]);
    expect(list.map((d) => d.AssociationId)).toEqual(['dra-9']);
  });

  it('is done when nothing declared is linked, and waits on DELETING', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({ Associations: [dra('dra-1', DR_FS, '/data', 's3://lustre-dr/data/', 'DELETING')] });
    const waiting = await runStep(fsxRemoveAssociation, ctxFor(), {}, { maxRounds: 1 });
    expect(waiting.final.state).toBe('waiting');
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).resolves({ Associations: [] });
    expect((await runStep(fsxRemoveAssociation, ctxFor())).final.state).toBe('done');
  });

  it('passes throttling on as retryable', async () => {
    aws.fsx.on(DescribeDataRepositoryAssociationsCommand).rejects(awsError('ThrottlingException'));
    await expect(fsxRemoveAssociation.observe(ctxFor(), fsxRemoveAssociation.params.parse({}))).rejects.toMatchObject({ retryable: true });
  });
});
