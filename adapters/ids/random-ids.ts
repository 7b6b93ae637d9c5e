import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Ids } from '../../protocol/ports.js';

/** The default ids: node:crypto's CSPRNG (128-bit session ids, 256-bit secrets, UUIDv4 event ids, uniform indices). */
export const randomIds: Ids = {
  sessionId: () => randomBytes(16).toString('base64url'),
  eventId: () => randomUUID(),
  secret: () => randomBytes(32).toString('base64url'),
  index: (bound) => randomInt(bound),
};
