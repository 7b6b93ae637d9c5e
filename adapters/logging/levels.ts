/** The levels the `Logger` port writes, lowest first (`log.level` in the configuration). */
export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
