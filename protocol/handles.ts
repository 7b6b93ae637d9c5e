import { createHash } from 'node:crypto';
import type { Ids } from './ports.js';

/**
 * The handles and the hashes of bearer secrets. A handle handed to a wallet
 * (auth_session, pdis, code, access token, c_nonce) is `<sessionId>.<256 random bits>`:
 * any node can route it to its stream, and the store keeps only its hash.
 */
const HANDLE = /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/;
/** What a session id looks like (the first part of a handle); anything else names no session. */
export const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function newHandle(ids: Ids, sessionId: string): string {
  return `${sessionId}.${ids.secret()}`;
}

/** RFC 9126 §2.2: a pushed request's `request_uri`, here the browser step's, a handle under the `urn:ietf:params:oauth:request_uri:` namespace. */
export function newRequestUri(ids: Ids, sessionId: string): string {
  return `urn:ietf:params:oauth:request_uri:${newHandle(ids, sessionId)}`;
}

/** The session a handle belongs to, or undefined if it is not one of ours. */
export function sessionOfHandle(handle: string): string | undefined {
  return HANDLE.exec(handle)?.[1];
}

/** base64url(SHA-256(value)): what the log stores instead of a bearer secret. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
