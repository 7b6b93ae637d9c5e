import { readFileSync } from 'node:fs';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { Config, type ConfigInput } from './schema.js';

/** The demo's credential: a membership card whose holder data is copied from a presented PID. */
export const DEMO_CREDENTIALS: ConfigInput['credentialConfigurations'] = {
  demo_membership: {
    vct: 'urn:example:membership:1',
    scope: 'membership',
    name: 'Demo membership card',
    requires: { vctValues: ['urn:eudi:pid:1'], claims: ['given_name', 'family_name', 'birthdate'] },
    claimMapping: { given_name: 'given_name', family_name: 'family_name', birthdate: 'birthdate' },
    disclosable: ['given_name', 'family_name', 'birthdate'],
  },
};

/** A configuration that cannot be used, said in one line: where (file or variable, key path) and what is wrong. */
export class ConfigError extends Error {}

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function readConfigFile(path: string): Partial<ConfigInput> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as Partial<ConfigInput>;
  } catch {
    // JSON.parse does not always say where; jsonc-parser does (in strict JSON mode).
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    const where = first
      ? `${lineAndColumn(text, first.offset)}: ${printParseErrorCode(first.error)}`
      : 'not valid JSON';
    throw new ConfigError(`${path}: not valid JSON at ${where}`);
  }
}

const ENV_KEYS: Record<string, string> = {
  port: 'PORT',
  publicUrl: 'PUBLIC_URL',
  dataDir: 'DATA_DIR',
  adminToken: 'ADMIN_TOKEN',
  nats: 'NATS_*',
};

/** The first problem of a failed parse, with the file or variable it came from and its key path. */
function describeIssue(error: z.ZodError, file: string | undefined, fromEnv: object): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.');
  const top = String(issue.path[0] ?? '');
  const source = top in fromEnv ? `environment ${ENV_KEYS[top]}` : (file ?? 'configuration');
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : issue.message;
  return `${source}: ${path || '(top level)'}: ${what}`;
}

function numberFromEnv(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`environment ${name}: not a number: ${JSON.stringify(value)}`);
  return Number(value);
}

/** NATS settings from the environment, over those of the file. */
function natsFromEnv(env: NodeJS.ProcessEnv, file: Partial<ConfigInput>): Partial<ConfigInput> {
  const fromEnv = {
    ...(env.NATS_URL !== undefined && { url: env.NATS_URL }),
    ...(env.NATS_USER !== undefined && { user: env.NATS_USER }),
    ...(env.NATS_PASS !== undefined && { pass: env.NATS_PASS }),
    ...(env.NATS_TOKEN !== undefined && { token: env.NATS_TOKEN }),
    ...(env.NATS_CREDS_FILE !== undefined && { credsFile: env.NATS_CREDS_FILE }),
    ...(env.NATS_NKEY_SEED_FILE !== undefined && { nkeySeedFile: env.NATS_NKEY_SEED_FILE }),
  };
  return Object.keys(fromEnv).length > 0 ? { nats: { ...file.nats, ...fromEnv } as ConfigInput['nats'] } : {};
}

/**
 * The configuration: a JSON file (CONFIG_FILE) if given, then the environment
 * (PORT, PUBLIC_URL, DATA_DIR, ADMIN_TOKEN, NATS_URL and NATS_* credentials), then
 * defaults, validated as one; an unknown key anywhere is an error. Without a public URL the
 * issuer is `http://localhost:<port>`. Throws a `ConfigError` naming the first problem.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ConfigInput> = {}): Config {
  const file = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  if (typeof file !== 'object' || file === null || Array.isArray(file))
    throw new ConfigError(`${env.CONFIG_FILE}: the configuration must be a JSON object`);
  const fromEnv: Partial<ConfigInput> = {
    ...(env.PORT !== undefined && { port: numberFromEnv('PORT', env.PORT) }),
    ...(env.PUBLIC_URL !== undefined && { publicUrl: env.PUBLIC_URL }),
    ...(env.DATA_DIR !== undefined && { dataDir: env.DATA_DIR }),
    ...(env.ADMIN_TOKEN !== undefined && { adminToken: env.ADMIN_TOKEN }),
    ...natsFromEnv(env, file),
  };
  const merged: Partial<ConfigInput> = {
    credentialConfigurations: DEMO_CREDENTIALS,
    ...file,
    ...fromEnv,
    ...overrides,
  };
  return validated(merged, env.CONFIG_FILE, fromEnv);
}

function validated(input: Partial<ConfigInput>, file: string | undefined, fromEnv: object): Config {
  const parsed = Config.safeParse({ ...input, publicUrl: input.publicUrl ?? `http://localhost:${input.port ?? 3000}` });
  if (!parsed.success) throw new ConfigError(describeIssue(parsed.error, file, fromEnv));
  return parsed.data;
}

/**
 * A plain configuration (no file, no environment) validated as `loadConfig` validates one: the
 * defaults applied, an unknown key an error; throws a one-line `ConfigError` naming the first problem.
 */
export function parseConfig(input: ConfigInput): Config {
  return validated(input, undefined, {});
}
