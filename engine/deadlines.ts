import type { SessionContext } from './context.js';
import type { DataOf } from './events.js';
import { InvalidRequest } from './errors.js';

/** The deadlines an `Expired` event can name. */
export type Deadline = DataOf<'Expired'>['deadline'];

/** The time a named deadline falls at in this context. */
export function deadlineAt(c: SessionContext, deadline: Deadline): number {
  switch (deadline) {
    case 'session':
      return c.sessionExpiresAt;
    case 'pdis':
      return c.pdis?.expiresAt ?? Number.POSITIVE_INFINITY;
    case 'code':
      return c.code?.expiresAt ?? Number.POSITIVE_INFINITY;
    case 'token':
      return c.token?.expiresAt ?? Number.POSITIVE_INFINITY;
  }
}

/** A deadline an event sets must lie after the event. */
export const deadlineAhead = (at: number, deadline: number, what: string) =>
  deadline <= at ? new InvalidRequest(`${what} deadline in the past`, 'engine: deadlines') : undefined;
