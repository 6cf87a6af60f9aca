/**
 * STS (awsQuery): AssumeRole and GetCallerIdentity. Credentials are the sandbox's notion of identity: every other
 * service finds the calling account from the access key (see router.ts), so AssumeRole is what makes
 * cross-account runbooks work. Roles must be declared on an account (seeded from the runbooks' `accounts`).
 */
import { notImplemented, type AwsError } from '../../protocol/errors.js';
import { decodeQueryInput, isQueryRequest, queryError, queryResponse, readQueryParams } from '../../protocol/aws-query.js';
import { parseCredentialScope } from '../../protocol/sigv4.js';
import { el } from '../../protocol/xml.js';
import type { CallContext, SandboxRequest, SandboxResponse, SandboxService } from '../../types.js';
import type { World } from '../../world.js';
import { assumeRole } from './assume-role.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export const stsService: SandboxService = {
  service: 'sts',

  operationOf(request: SandboxRequest): string | undefined {
    return isQueryRequest(request) ? readQueryParams(request)['Action'] : undefined;
  },

  handle(request: SandboxRequest, call: CallContext, world: World): SandboxResponse {
    const params = readQueryParams(request);
    const action = params['Action'];
    switch (action) {
      case 'GetCallerIdentity': {
        const caller = world.credentialsFor(accessKeyOf(request));
        return queryResponse(action, XMLNS, call.requestId, [
          el('Arn', call.principalArn),
          el('UserId', caller?.userId ?? call.principalArn),
          el('Account', call.accountId),
        ]);
      }
      case 'AssumeRole': {
        const result = assumeRole(world, call, decodeQueryInput(params), accessKeyOf(request));
        return queryResponse(action, XMLNS, call.requestId, [
          el(
            'Credentials',
            el('AccessKeyId', result.credentials.accessKeyId),
            el('SecretAccessKey', result.credentials.secretAccessKey),
            el('SessionToken', result.credentials.sessionToken ?? ''),
            el('Expiration', new Date(result.credentials.expiresAt ?? call.now)),
          ),
          el('AssumedRoleUser', el('AssumedRoleId', result.credentials.userId), el('Arn', result.credentials.arn)),
          el('PackedPolicySize', 0),
        ]);
      }
      default:
        throw notImplemented('sts', action ?? '(no Action parameter)');
    }
  },

  renderError(error: AwsError, _request: SandboxRequest, requestId: string): SandboxResponse {
    return queryError(error, requestId, XMLNS);
  },
};

function accessKeyOf(request: SandboxRequest): string {
  return parseCredentialScope(request)?.accessKeyId ?? '';
}

