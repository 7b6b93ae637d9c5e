/** The operations blocks of the configuration: logging (pino) and Prometheus metrics (docs/operations.md). */
import { z } from 'zod';
import { LOG_LEVELS } from '../adapters/logging/levels.js';

export const LogSettings = z
  .strictObject({
    level: z
      .enum(LOG_LEVELS)
      .default('info')
      .describe('The lowest level written: info (with one access-log line per request), warn or error'),
  })
  .prefault({})
  .describe('Issue 12 §2: JSON lines on stdout through pino, secrets redacted (docs/operations.md)');
export type LogSettings = z.infer<typeof LogSettings>;

export const MetricsSettings = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("Collect Prometheus metrics in this issuer's own registry (never prom-client's global one)"),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'an absolute path such as /metrics')
      .refine((path) => path !== '/healthz' && path !== '/readyz', 'must not be /healthz or /readyz')
      .default('/metrics')
      .describe(
        "Where the metrics are served, at the origin's root and under the issuer's base path (never in place of an issuer endpoint)",
      ),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('bin/start.ts serves the metrics, /healthz and /readyz on this port of host too, without a token'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe("The address the metrics port listens on: loopback by default, so only the host's scraper reaches it"),
    requireAdminToken: z
      .boolean()
      .default(true)
      .describe(
        "On the issuer's own port the metrics need the admin bearer token (not served when adminToken is unset); false makes them public there",
      ),
  })
  .prefault({})
  .describe('Issue 12 §4: Prometheus metrics (docs/operations.md lists every metric)');
export type MetricsSettings = z.infer<typeof MetricsSettings>;
