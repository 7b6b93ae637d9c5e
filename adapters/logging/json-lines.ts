import type { LogFields, Logger } from '../../protocol/ports.js';

function line(level: string, message: string, fields: LogFields | undefined): string {
  return JSON.stringify({ level, message, ...fields });
}

/** The default logger: one JSON line per entry, `{ level, message, ...fields }`; errors on stderr, the rest on stdout. */
export const jsonLinesLogger: Logger = {
  info: (message, fields) => console.log(line('info', message, fields)),
  warn: (message, fields) => console.log(line('warn', message, fields)),
  error: (message, fields) => console.error(line('error', message, fields)),
};
