/**
 * The FSx service as the router sees it: awsJson 1.1 (`X-Amz-Target: AWSSimbaAPIService_v20180301.<Op>`),
 * errors as `{"__type": …}` with HTTP 400, every timestamp in epoch seconds. Operations not emulated answer
 * NotImplemented naming them.
 */
import { awsJsonError, awsJsonOperation, awsJsonResponse, readAwsJsonBody } from '../../protocol/aws-json.js';
import { AwsError, notImplemented } from '../../protocol/errors.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from '../../types.js';
import type { World } from '../../world.js';
import { createAssociation, deleteAssociation, describeAssociations, renderAssociation, updateAssociation } from './associations.js';
import type { Input } from './common.js';
import { createFileSystem, deleteFileSystem, describeFileSystems, renderFileSystem } from './file-systems.js';
import { cancelTask, createTask, describeTasks, renderTask } from './tasks.js';

type Operation = (world: World, call: CallContext, input: Input) => Record<string, unknown>;

export const FSX_OPERATIONS: Record<string, Operation> = {
  CreateFileSystem: (world, call, input) => ({ FileSystem: renderFileSystem(createFileSystem(world, call.accountId, call.region, input, call.now)) }),
  DescribeFileSystems: (world, call, input) => describeFileSystems(world, call.accountId, call.region, input),
  DeleteFileSystem: (world, call, input) => deleteFileSystem(world, call.accountId, call.region, input, call.now),
  CreateDataRepositoryAssociation: (world, call, input) => ({ Association: renderAssociation(createAssociation(world, call.accountId, call.region, input, call.now)) }),
  DescribeDataRepositoryAssociations: (world, call, input) => describeAssociations(world, call.accountId, call.region, input),
  UpdateDataRepositoryAssociation: (world, call, input) => ({ Association: renderAssociation(updateAssociation(world, call.accountId, call.region, input, call.now)) }),
  DeleteDataRepositoryAssociation: (world, call, input) => deleteAssociation(world, call.accountId, call.region, input, call.now),
  CreateDataRepositoryTask: (world, call, input) => ({ DataRepositoryTask: renderTask(createTask(world, call.accountId, call.region, input, call.now)) }),
  DescribeDataRepositoryTasks: (world, call, input) => describeTasks(world, call.accountId, call.region, input),
  CancelDataRepositoryTask: (world, call, input) => cancelTask(world, call.accountId, call.region, input, call.now),
};

/**
 * FSx's ClientRequestToken is 1-63 characters of `[A-za-z0-9_.-]` (the model's `A-z` also admits `[\]^_\``).
 * Checked for every operation, so a client that trims to 64 (the S3 Control limit) fails here as on AWS.
 */
function checkClientRequestToken(input: Input): void {
  const token = input['ClientRequestToken'];
  if (token === undefined || token === null) return;
  if (typeof token !== 'string' || !/^[A-za-z0-9_.-]{1,63}$/.test(token)) {
    const shown = typeof token === 'string' ? `'${token}' (${token.length} characters)` : 'a non-string value';
    throw new AwsError('BadRequest', 400, `ClientRequestToken ${shown} must be 1-63 characters of letters, digits, '_', '.' and '-'.`);
  }
}

export const fsxService: SandboxService = {
  service: 'fsx',
  operationOf: (request: SandboxRequest) => awsJsonOperation(request),
  handle(request: SandboxRequest, call: CallContext, world: World): SandboxResponse {
    const name = awsJsonOperation(request) ?? '(no X-Amz-Target)';
    const operation = FSX_OPERATIONS[name];
    if (!operation) throw notImplemented('fsx', name);
    let input: Input;
    try {
      input = readAwsJsonBody(request);
    } catch {
      throw new AwsError('BadRequest', 400, `The request body of ${name} is not valid JSON.`);
    }
    checkClientRequestToken(input);
    return awsJsonResponse('1.1', operation(world, call, input));
  },
  renderError: (error: AwsError) => awsJsonError('1.1', error),
};
