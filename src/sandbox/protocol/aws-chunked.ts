/**
 * `aws-chunked` streaming uploads (the JS S3 client with stream bodies; signed or unsigned, optional trailing
 * checksums). Decoded in one place — the router normalises every request — so services always see plain bytes.
 *
 * Wire form: `<hex-size>[;chunk-signature=…]\r\n<bytes>\r\n … 0[;…]\r\n[trailer-name:value\r\n]*\r\n`.
 */
import type { SandboxRequest } from '../types.js';

export function isAwsChunked(request: SandboxRequest): boolean {
  const encoding = request.headers['content-encoding'] ?? '';
  const sha = request.headers['x-amz-content-sha256'] ?? '';
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

export interface DecodedChunks {
  body: Buffer;
  trailers: Record<string, string>;
}

export function decodeAwsChunked(raw: Buffer): DecodedChunks {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('aws-chunked body: missing chunk header');
    const sizeText = raw.subarray(offset, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    const size = Number.parseInt(sizeText, 16);
    if (!Number.isFinite(size) || size < 0) throw new Error(`aws-chunked body: bad chunk size '${sizeText}'`);
    offset = lineEnd + 2;
    if (size === 0) break;
    chunks.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  // Trailers until an empty line (or the end of the body).
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    const line = raw.subarray(offset, lineEnd < 0 ? raw.length : lineEnd).toString('latin1');
    if (line.length === 0) break;
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    if (lineEnd < 0) break;
    offset = lineEnd + 2;
  }
  return { body: Buffer.concat(chunks), trailers };
}

/** The request with a plain body; `aws-chunked` is removed from content-encoding and trailers become headers. */
export function normaliseAwsChunked(request: SandboxRequest): SandboxRequest {
  if (!isAwsChunked(request) || request.body.length === 0) return request;
  const { body, trailers } = decodeAwsChunked(request.body);
  const headers = { ...trailers, ...request.headers };
  const encoding = (headers['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked')
    .join(', ');
  if (encoding) headers['content-encoding'] = encoding;
  else delete headers['content-encoding'];
  headers['content-length'] = String(body.length);
  return { ...request, headers, body };
}
