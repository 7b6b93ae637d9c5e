import { readFileSync } from 'node:fs';
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

/**
 * The configuration: a JSON file (CONFIG_FILE) if given, then the environment
 * (PORT, PUBLIC_URL, DATA_DIR, ADMIN_TOKEN, NATS_URL), then defaults, validated as one.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ConfigInput> = {}): Config {
  const file: Partial<ConfigInput> = env.CONFIG_FILE ? JSON.parse(readFileSync(env.CONFIG_FILE, 'utf8')) : {};
  const fromEnv: Partial<ConfigInput> = {
    ...(env.PORT !== undefined && { port: Number(env.PORT) }),
    ...(env.PUBLIC_URL !== undefined && { publicUrl: env.PUBLIC_URL }),
    ...(env.DATA_DIR !== undefined && { dataDir: env.DATA_DIR }),
    ...(env.ADMIN_TOKEN !== undefined && { adminToken: env.ADMIN_TOKEN }),
    ...(env.NATS_URL !== undefined && { nats: { ...file.nats, url: env.NATS_URL } }),
  };
  return Config.parse({ credentialConfigurations: DEMO_CREDENTIALS, ...file, ...fromEnv, ...overrides });
}
