// The receivers' bearer-token check, shared by OTLP/HTTP (the Authorization header) and
// OTLP/gRPC (the `authorization` metadata). Both sides are hashed first so the comparison
// is constant-time whatever the length of what the client sent.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** A predicate on an `Authorization` value; undefined when no token is configured (no auth). */
export type BearerCheck = (header: string | undefined) => boolean;

export function bearerCheck(token: string | undefined): BearerCheck | undefined {
  if (token === undefined) return undefined;
  const want = digest(token);
  return (header) => {
    if (header === undefined) return false;
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m !== null && timingSafeEqual(digest(m[1]!), want);
  };
}
