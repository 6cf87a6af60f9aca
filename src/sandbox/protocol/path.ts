/**
 * Request paths reach services decoded (SandboxRequest.path), except that an encoded slash inside a segment stays
 * `%2F` so routers still split segments correctly; `decodeSegment` turns it back into '/' inside a label.
 */
export function decodeRequestPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment).replace(/\//g, '%2F');
      } catch {
        return segment;
      }
    })
    .join('/');
}

export function decodeSegment(segment: string): string {
  return segment.replace(/%2F/gi, '/');
}
