/**
 * Writes docs/configuration.md from the zod schema (`config/schema.ts`, through `z.toJSONSchema`)
 * and the environment variables the product code reads: `npm run docs:config`. It refuses to
 * write a reference with a key that has no description or a variable that has no meaning here.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { Config } from '../config/schema.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REFERENCE_FILE = join(ROOT, 'docs', 'configuration.md');

/** The folders whose code runs in an issuer process or a command: where the variables it reads are found. */
const SCANNED = ['config', 'bin', 'issuer', 'transports', 'adapters', 'protocol'];

/** What each environment variable means; a variable read anywhere in SCANNED must be here, and only those. */
const VARIABLES: Record<string, string> = {
  CONFIG_FILE: 'The configuration file (JSON), read first; the variables below override its keys.',
  PORT: '`port`',
  PUBLIC_URL: '`publicUrl`',
  DATA_DIR: '`dataDir`',
  ADMIN_TOKEN: '`adminToken`',
  NATS_URL: '`nats.url`',
  NATS_USER: '`nats.user`',
  NATS_PASS: '`nats.pass`',
  NATS_TOKEN: '`nats.token`',
  NATS_NKEY_SEED_FILE: '`nats.nkeySeedFile`',
  NATS_CREDS_FILE: '`nats.credsFile`',
  HOST: 'The address the HTTP server listens on: `127.0.0.1` when unset; `0.0.0.0` for every interface (a container).',
};

type JsonSchema = {
  type?: string;
  description?: string;
  default?: unknown;
  defaultText?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
};

/** One key of the configuration, at its dotted path; `section` is the path of the object that holds it. */
interface Key {
  section: string;
  path: string;
  schema: JsonSchema;
  required: boolean;
}

/** The object a key opens a section for: its own keys, or the entries of its array or record. */
function nested(key: Key): { path: string; schema: JsonSchema } | undefined {
  const { schema, path } = key;
  if (schema.properties) return { path, schema };
  if (schema.items?.properties) return { path: `${path}[]`, schema: schema.items };
  const value = schema.additionalProperties;
  if (typeof value === 'object' && value.properties) return { path: `${path}.<id>`, schema: value };
  return undefined;
}

/** Every key, depth first, each object's keys right after the key that holds it. */
function keysOf(section: string, schema: JsonSchema): Key[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
    const key = { section, path: section ? `${section}.${name}` : name, schema: child, required: false };
    key.required = (schema.required ?? []).includes(name);
    const inner = nested(key);
    return [key, ...(inner ? keysOf(inner.path, inner.schema) : [])];
  });
}

const configKeys = (schema: z.ZodType = Config): Key[] =>
  keysOf('', z.toJSONSchema(schema, { io: 'input' }) as JsonSchema);

/** The dotted paths of a schema's keys without a description (the reference would not say what they mean). */
export function undescribedKeys(schema: z.ZodType = Config): string[] {
  return configKeys(schema)
    .filter((key) => !key.schema.description?.trim())
    .map((key) => key.path);
}

const code = (text: string) => `\`${text}\``;

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.enum) return `one of ${schema.enum.map((value) => code(JSON.stringify(value))).join(', ')}`;
  const bounds = [
    schema.exclusiveMinimum !== undefined && `> ${schema.exclusiveMinimum}`,
    schema.minimum !== undefined && `≥ ${schema.minimum}`,
    schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER && `≤ ${schema.maximum}`,
    schema.minLength !== undefined && `at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`,
    schema.minItems !== undefined && `at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`,
    schema.pattern !== undefined && `matching ${code(schema.pattern)}`,
    schema.format === 'uri' && 'an absolute URL',
  ].filter((bound) => bound !== false);
  const base =
    schema.type === 'array'
      ? `array of ${schema.items ? itemType(schema.items) : 'anything'}`
      : schema.type === 'object'
        ? objectType(schema)
        : (schema.type ?? 'any');
  return [base, ...bounds].join(', ');
}

/** An array's item type, in parentheses when it has bounds of its own (not to be read as the array's). */
function itemType(items: JsonSchema): string {
  const type = typeOf(items);
  return type.includes(',') ? `(${type})` : type;
}

function objectType(schema: JsonSchema): string {
  if (schema.properties) return 'object';
  const value = schema.additionalProperties;
  const names = schema.propertyNames ? typeOf(schema.propertyNames) : 'string';
  return typeof value === 'object' ? `object (${names} → ${typeOf(value)})` : 'object';
}

const UNITS: [string, number][] = [
  ['days', 86_400],
  ['h', 3_600],
  ['min', 60],
  ['s', 1],
];

/** A default duration in words when its key names its unit (`…Seconds`, `…Ms`): `604800` (7 days). */
function inWords(path: string, value: unknown): string {
  const perSecond = path.endsWith('Seconds') ? 1 : path.endsWith('Ms') ? 1000 : undefined;
  if (perSecond === undefined || typeof value !== 'number' || value < 60 * perSecond) return '';
  const whole = UNITS.find(([, size]) => value % (size * perSecond) === 0);
  return whole ? ` (${value / (whole[1] * perSecond)} ${whole[0]})` : '';
}

function defaultOf(key: Key): string {
  const { schema } = key;
  if (schema.defaultText !== undefined) return code(schema.defaultText);
  if (schema.default === undefined) return key.required ? 'required' : 'unset';
  const shown = JSON.stringify(schema.default);
  if (shown === '{}' && schema.properties) return 'its keys’ defaults';
  return `${code(shown)}${inWords(key.path, schema.default)}`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function table(keys: Key[]): string {
  const rows = keys.map((key) => {
    const inner = nested(key);
    const see = inner ? ` See ${code(inner.path)} below.` : '';
    return `| ${code(key.path)} | ${cell(typeOf(key.schema))} | ${cell(defaultOf(key))} | ${cell(`${key.schema.description ?? ''}${see}`)} |`;
  });
  return ['| key | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function sections(): string {
  const keys = configKeys();
  const order = [...new Set(keys.map((key) => key.section))];
  return order
    .map((section) => {
      const holder = keys.find((key) => key.path === section.replace(/(\[\]|\.<id>)$/, ''));
      const title = section ? `### ${code(section)}` : '### Top level';
      const about = holder?.schema.description ? `\n\n${holder.schema.description}` : '';
      return `${title}${about}\n\n${table(keys.filter((key) => key.section === section))}`;
    })
    .join('\n\n');
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(ROOT, folder, name));
}

/** Each environment variable the product code reads, with the files that read it. */
function variablesRead(): Map<string, string[]> {
  const read = new Map<string, string[]>();
  for (const file of SCANNED.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) {
      const name = (match[1] ?? match[2])!;
      const files = read.get(name) ?? [];
      const path = relative(ROOT, file);
      if (!files.includes(path)) files.push(path);
      read.set(name, files);
    }
  }
  return read;
}

function variables(): string {
  const read = variablesRead();
  const unknown = [...read.keys()].filter((name) => !(name in VARIABLES));
  const unread = Object.keys(VARIABLES).filter((name) => !read.has(name));
  if (unknown.length > 0)
    throw new Error(`no meaning for environment variable(s) ${unknown.join(', ')}: add to VARIABLES`);
  if (unread.length > 0) throw new Error(`environment variable(s) ${unread.join(', ')} no longer read: remove them`);
  const rows = Object.entries(VARIABLES).map(
    ([name, meaning]) => `| ${code(name)} | ${cell(meaning)} | ${read.get(name)!.sort().map(code).join(', ')} |`,
  );
  return ['| variable | sets | read by |', '| --- | --- | --- |', ...rows].join('\n');
}

const LOADING = `\`loadConfig(env = process.env)\` (\`config/load.ts\`, what \`bin/start.ts\` uses) builds the
configuration in this order, each step over the one before:

1. the demo credential configuration (\`credentialConfigurations\`: \`DEMO_CREDENTIALS\`);
2. the file named by \`CONFIG_FILE\`, if set: strict JSON (no comments, no trailing commas), one
   object; it replaces whole top-level keys (a file's \`http\` object is the whole \`http\`);
3. the environment variables below (\`NATS_*\` are merged into the file's \`nats\` object);
4. the defaults of every key not given.

The result is validated as one (\`Config\`, a zod schema): an unknown key anywhere is an error,
and so is a value of the wrong type or out of bounds. A \`ConfigError\` names the first problem
in one line: the file or variable it came from, the key path and what is wrong (for bad JSON,
its line and column). \`publicUrl\` defaults to \`http://localhost:<port>\`.

An embedder passes a plain object to \`createIssuer({ config, … })\`, which validates it the same
way (\`parseConfig\`: defaults applied, no file, no environment); \`loadConfig\` is there for a host
that wants the file and the variables.`;

/** The whole reference, as docs/configuration.md holds it. */
export function configurationReference(): string {
  const missing = undescribedKeys();
  if (missing.length > 0) throw new Error(`configuration keys without a description: ${missing.join(', ')}`);
  return `# Configuration reference

<!-- Generated from config/schema.ts by \`npm run docs:config\` (scripts/config-reference.ts): do not edit. -->

## How the configuration is loaded

${LOADING}

## Environment variables

${variables()}

## Keys

Durations are in the unit their name ends with (\`Seconds\`, \`Ms\`; \`lifetimes\` in seconds).
"required" keys have no default; "unset" keys are off or take the behaviour their meaning says.

${sections()}
`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(REFERENCE_FILE, configurationReference());
  console.log(`wrote ${relative(ROOT, REFERENCE_FILE)}`);
}
