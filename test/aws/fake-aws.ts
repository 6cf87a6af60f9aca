/**
 * A tiny in-process stand-in for AWS, for tests of the AWS layer: a smithy HttpHandler that records every request
 * and answers STS (AssumeRole, GetCallerIdentity) and a few EFS calls with canned responses. The real emulator
 * (src/sandbox) has its own tests; this one exists so the AWS layer is tested without depending on it.
 */
import { Readable } from 'node:stream';

export interface RecordedRequest {
  service: string;
  hostname: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
  /** STS/awsQuery form fields, decoded. */
  form: Record<string, string>;
  accessKeyId: string;
}

interface SmithyRequest {
  method: string;
  hostname?: string;
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface FakeAwsOptions {
  /** Account of the base sandbox key. */
  baseAccountId?: string;
  /** Role ARN → account id its credentials report (default: the account id in the ARN). */
  roleAccounts?: Record<string, string>;
  /** Answer AssumeRole with this error code (403) instead. */
  assumeRoleError?: string;
  /** Answers for EFS requests: return undefined to fall back to a 404 FileSystemNotFound. */
  efs?: (req: RecordedRequest) => { status: number; body?: unknown; errorType?: string } | undefined;
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  return String(body);
}

function respond(status: number, headers: Record<string, string>, body: string) {
  return { response: { statusCode: status, reason: '', headers: { 'x-amzn-requestid': `req-${status}-${Math.random().toString(16).slice(2, 8)}`, ...headers }, body: Readable.from([Buffer.from(body)]) } };
}

export class FakeAws {
  readonly requests: RecordedRequest[] = [];
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly keys = new Map<string, string>();
  private counter = 0;
  constructor(private readonly options: FakeAwsOptions = {}) {}

  requestsTo(service: string): RecordedRequest[] {
    return this.requests.filter((r) => r.service === service);
  }

  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, unknown> {
    return {};
  }
  destroy(): void {}

  async handle(request: SmithyRequest) {
    const auth = request.headers.authorization ?? request.headers.Authorization ?? '';
    const scope = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(auth);
    const body = bodyText(request.body);
    const recorded: RecordedRequest = {
      service: scope?.[2] ?? 'unknown',
      hostname: request.hostname ?? '',
      method: request.method,
      path: request.path,
      query: request.query ?? {},
      headers: request.headers,
      body,
      form: Object.fromEntries(new URLSearchParams(body)),
      accessKeyId: scope?.[1] ?? '',
    };
    this.requests.push(recorded);
    if (recorded.service === 'sts') return this.sts(recorded);
    if (recorded.service === 'elasticfilesystem') return this.efs(recorded);
    if (recorded.service === 's3') return respond(200, { 'content-type': 'application/xml' }, '<VersioningConfiguration/>');
    return respond(400, { 'x-amzn-errortype': 'NotImplemented' }, JSON.stringify({ message: 'not emulated' }));
  }

  private accountOfKey(key: string): string {
    return this.keys.get(key) ?? this.options.baseAccountId ?? '999999999999';
  }

  private sts(req: RecordedRequest) {
    const xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/';
    if (req.form.Action === 'AssumeRole') {
      if (this.options.assumeRoleError) {
        return respond(403, { 'content-type': 'text/xml' }, `<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${this.options.assumeRoleError}</Code><Message>User is not authorized to perform: sts:AssumeRole on ${req.form.RoleArn}</Message></Error><RequestId>sts-denied-1</RequestId></ErrorResponse>`);
      }
      const roleArn = req.form.RoleArn ?? '';
      const account = this.options.roleAccounts?.[roleArn] ?? /::(\d{12}):/.exec(roleArn)?.[1] ?? '000000000000';
      const key = `ASIAFAKE${String(++this.counter).padStart(8, '0')}`;
      this.keys.set(key, account);
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      return respond(200, { 'content-type': 'text/xml' }, `<AssumeRoleResponse xmlns="${xmlns}"><AssumeRoleResult><Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>secret-${this.counter}</SecretAccessKey><SessionToken>token-${this.counter}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/x/${req.form.RoleSessionName}</Arn><AssumedRoleId>AROAFAKE:${req.form.RoleSessionName}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
    }
    if (req.form.Action === 'GetCallerIdentity') {
      const account = this.accountOfKey(req.accessKeyId);
      const arn = req.accessKeyId.startsWith('ASIA') ? `arn:aws:sts::${account}:assumed-role/drctl/session` : `arn:aws:iam::${account}:user/operator`;
      return respond(200, { 'content-type': 'text/xml' }, `<GetCallerIdentityResponse xmlns="${xmlns}"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDAFAKE</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>sts-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
    }
    return respond(400, { 'content-type': 'text/xml' }, `<ErrorResponse><Error><Code>InvalidAction</Code><Message>no</Message></Error></ErrorResponse>`);
  }

  private efs(req: RecordedRequest) {
    const answer = this.options.efs?.(req) ?? { status: 404, errorType: 'FileSystemNotFound', body: { ErrorCode: 'FileSystemNotFound', Message: 'File system does not exist.' } };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (answer.errorType) headers['x-amzn-errortype'] = answer.errorType;
    return respond(answer.status, headers, answer.body === undefined ? '' : JSON.stringify(answer.body));
  }
}
