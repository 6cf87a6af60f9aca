import { describe, expect, it } from 'vitest';
import { decodeAwsChunked, normaliseAwsChunked } from '../../src/sandbox/protocol/aws-chunked.js';
import { awsJsonError } from '../../src/sandbox/protocol/aws-json.js';
import { decodeQueryInput, queryError, queryResponse } from '../../src/sandbox/protocol/aws-query.js';
import { AwsError } from '../../src/sandbox/protocol/errors.js';
import { decodeRequestPath } from '../../src/sandbox/protocol/path.js';
import { restJsonError } from '../../src/sandbox/protocol/rest-json.js';
import { RestRouter } from '../../src/sandbox/protocol/rest-route.js';
import { parseCredentialScope, sdkAttempt } from '../../src/sandbox/protocol/sigv4.js';
import { el, elWithAttributes, renderXml, xmlFromObject } from '../../src/sandbox/protocol/xml.js';
import type { SandboxRequest } from '../../src/sandbox/types.js';

const request = (overrides: Partial<SandboxRequest>): SandboxRequest => ({ method: 'GET', path: '/', query: {}, headers: {}, host: 'h', body: Buffer.alloc(0), ...overrides });

describe('awsQuery decoding', () => {
  it('nests member lists, entry maps and dotted structures in index order', () => {
    expect(
      decodeQueryInput({
        Action: 'X',
        Version: '1',
        'Q.member.2.Id': 'b',
        'Q.member.1.Id': 'a',
        'Q.member.1.S.Dims.member.1.Name': 'FileSystemId',
        'Tags.entry.1.key': 'k',
        'Tags.entry.1.value': 'v',
        'Plain.member.1': 'x',
        Top: 't',
      }),
    ).toEqual({ Q: [{ Id: 'a', S: { Dims: [{ Name: 'FileSystemId' }] } }, { Id: 'b' }], Tags: { k: 'v' }, Plain: ['x'], Top: 't' });
  });

  it('wraps results in <OpResponse><OpResult> and errors in <ErrorResponse><Error>', () => {
    const ok = queryResponse('GetThing', 'urn:x', 'req-1', [el('A', 1)]);
    expect(ok.body).toBe('<?xml version="1.0" encoding="UTF-8"?><GetThingResponse xmlns="urn:x"><GetThingResult><A>1</A></GetThingResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetThingResponse>');
    const error = queryError(new AwsError('AccessDenied', 403, 'no <way>'), 'req-2');
    expect(error.status).toBe(403);
    expect(error.body).toContain('<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no &lt;way&gt;</Message></Error><RequestId>req-2</RequestId>');
  });
});

describe('XML writer', () => {
  it('escapes text and attributes, drops undefined children, self-closes empty elements', () => {
    const xml = renderXml(elWithAttributes('R', { a: 'x"y' }, el('T', 'a&b'), undefined, el('E'), el('D', new Date(0))), { declaration: false });
    expect(xml).toBe('<R a="x&quot;y"><T>a&amp;b</T><E/><D>1970-01-01T00:00:00.000Z</D></R>');
  });

  it('converts plain objects, with member-wrapped or flattened lists', () => {
    const member = xmlFromObject('Root', { A: [1, 2], B: { C: 'c' }, U: undefined });
    expect(renderXml(member as ReturnType<typeof el>, { declaration: false })).toBe('<Root><A><member>1</member><member>2</member></A><B><C>c</C></B></Root>');
    const flat = xmlFromObject('Root', { Rule: [{ ID: 'a' }, { ID: 'b' }] }, { lists: 'flattened' });
    expect(renderXml(flat as ReturnType<typeof el>, { declaration: false })).toBe('<Root><Rule><ID>a</ID></Rule><Rule><ID>b</ID></Rule></Root>');
  });
});

describe('aws-chunked', () => {
  it('decodes signed chunks and trailers', () => {
    const raw = Buffer.from('5;chunk-signature=aa\r\nhello\r\n1;chunk-signature=bb\r\n!\r\n0;chunk-signature=cc\r\nx-amz-checksum-crc32:abc=\r\n\r\n');
    expect(decodeAwsChunked(raw)).toEqual({ body: Buffer.from('hello!'), trailers: { 'x-amz-checksum-crc32': 'abc=' } });
  });

  it('normalises the request: plain body, trailers as headers, aws-chunked removed from content-encoding', () => {
    const out = normaliseAwsChunked(request({ headers: { 'content-encoding': 'aws-chunked, gzip' }, body: Buffer.from('2\r\nhi\r\n0\r\n\r\n') }));
    expect(out.body.toString()).toBe('hi');
    expect(out.headers['content-encoding']).toBe('gzip');
    expect(out.headers['content-length']).toBe('2');
    const untouched = request({ body: Buffer.from('2\r\nhi') });
    expect(normaliseAwsChunked(untouched)).toBe(untouched);
  });
});

describe('REST routing', () => {
  const router = new RestRouter([
    { method: 'GET', path: '/v/file-systems/{Id}', operation: 'ById' },
    { method: 'GET', path: '/v/file-systems/replication-configurations', operation: 'Literal' },
    { method: 'GET', path: '/b/{Key+}', operation: 'Greedy' },
  ]);
  it('prefers literal segments over labels regardless of declaration order', () => {
    expect(router.match('GET', '/v/file-systems/replication-configurations')?.operation).toBe('Literal');
    expect(router.match('GET', '/v/file-systems/fs-1')).toEqual({ operation: 'ById', labels: { Id: 'fs-1' } });
  });
  it('takes the rest of the path for greedy labels, keeping encoded slashes inside segments', () => {
    expect(router.match('GET', decodeRequestPath('/b/a/b%2Fc/d%20e'))).toEqual({ operation: 'Greedy', labels: { Key: 'a/b/c/d e' } });
    expect(router.match('POST', '/b/x')).toBeUndefined();
  });
});

describe('SigV4 scope and SDK attempts', () => {
  it('reads the credential scope from the Authorization header or a presigned URL', () => {
    const header = request({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/elasticfilesystem/aws4_request, SignedHeaders=host, Signature=x', 'x-amz-security-token': 'tok' } });
    expect(parseCredentialScope(header)).toEqual({ accessKeyId: 'AKID', date: '20260101', region: 'eu-west-1', signingName: 'elasticfilesystem', sessionToken: 'tok' });
    const presigned = request({ query: { 'X-Amz-Credential': ['AKID/20260101/us-east-1/s3/aws4_request'] } });
    expect(parseCredentialScope(presigned)?.signingName).toBe('s3');
    expect(parseCredentialScope(request({}))).toBeUndefined();
  });
  it('reads amz-sdk-request attempt numbers', () => {
    expect(sdkAttempt(request({ headers: { 'amz-sdk-request': 'attempt=3; max=3' } }))).toBe(3);
    expect(sdkAttempt(request({}))).toBe(1);
  });
});

describe('error encodings', () => {
  it('restJson1 sends x-amzn-errortype and {ErrorCode, Message}', () => {
    const out = restJsonError(new AwsError('ReplicationNotFound', 404, 'none'));
    expect(out.headers['x-amzn-errortype']).toBe('ReplicationNotFound');
    expect(JSON.parse(String(out.body))).toEqual({ ErrorCode: 'ReplicationNotFound', Message: 'none' });
  });
  it('awsJson sends __type with namespace, and x-amzn-query-error for query-compatible services', () => {
    const out = awsJsonError('1.0', new AwsError('InvalidParameterValue', 400, 'bad'), { namespace: 'com.amazonaws.cloudwatch', shapeName: 'InvalidParameterValueException', queryCompatible: true });
    expect(JSON.parse(String(out.body)).__type).toBe('com.amazonaws.cloudwatch#InvalidParameterValueException');
    expect(out.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
    expect(out.headers['content-type']).toBe('application/x-amz-json-1.0');
  });
});
