/**
 * restXml responses as S3 sends them: `x-amz-request-id` + `x-amz-id-2` on every answer, XML bodies with the S3
 * namespace, errors as a top-level `<Error>` — except HEAD, whose errors have no body at all (clients name them
 * by status: 404 → NotFound).
 */
import type { AwsError } from '../../protocol/errors.js';
import { el, renderXml, type XmlElement } from '../../protocol/xml.js';
import type { SandboxResponse } from '../../types.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function requestHeaders(requestId: string): Record<string, string> {
  // x-amz-id-2 is opaque in AWS; any stable token works for the SDK's extendedRequestId.
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(`sandbox/${requestId}`).toString('base64') };
}

/** A root element in the S3 namespace. */
export function s3Root(name: string, ...children: Parameters<typeof el>[1][]): XmlElement {
  return { name, attributes: { xmlns: S3_XMLNS }, children };
}

export function xmlResponse(requestId: string, root: XmlElement, headers: Record<string, string> = {}, status = 200): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...requestHeaders(requestId), ...headers },
    body: renderXml(root),
  };
}

export function emptyResponse(requestId: string, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { ...requestHeaders(requestId), 'content-length': '0', ...headers } };
}

export function bodyResponse(requestId: string, body: Buffer, headers: Record<string, string>): SandboxResponse {
  return { status: 200, headers: { ...requestHeaders(requestId), ...headers, 'content-length': String(body.length) }, body };
}

/** `<Error><Code/><Message/>…fields…<RequestId/><HostId/></Error>`; HEAD gets the status and headers only. */
export function s3ErrorResponse(error: AwsError, method: string, requestId: string): SandboxResponse {
  const headers = { ...requestHeaders(requestId), ...error.headers };
  if (method.toUpperCase() === 'HEAD') return { status: error.status, headers: { ...headers, 'content-length': '0' } };
  const fields = Object.entries(error.fields).map(([name, value]) => el(name, String(value)));
  const body = renderXml(
    el('Error', el('Code', error.code), el('Message', error.message), fields, el('RequestId', requestId), el('HostId', headers['x-amz-id-2'])),
  );
  return { status: error.status, headers: { ...headers, 'content-type': 'application/xml' }, body };
}

/** RFC 1123, as S3 writes dates in headers (Last-Modified). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** ISO 8601 with milliseconds, as S3 writes dates in XML bodies. */
export function isoDate(ms: number): Date {
  return new Date(ms);
}

/** `encoding-type=url` listings URL-encode keys and prefixes (the AWS CLI asks for it and decodes them). */
export function encodeKeyFor(encodingType: string | undefined, key: string): string {
  return encodingType === 'url' ? encodeURIComponent(key).replace(/%2F/g, '/') : key;
}
