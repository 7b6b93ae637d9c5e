/**
 * The published package's manifest (`dist/package.json`), derived from the repository's own
 * `package.json`: what a user can import (the exports map), the commands it installs, and what it
 * needs at run time. The repository root stays the private development project.
 */

/** Entry points: subpath → compiled module (without extension). Nothing else is importable. */
export const ENTRY_POINTS = {
  '.': 'index',
  './engine': 'engine/index',
  './wallet': 'wallet/index',
  './testing': 'testing/index',
  './conformance': 'conformance/index',
  './pkcs11': 'adapters/keys/pkcs11/index',
};

/** Commands: name → compiled script in bin/. */
export const COMMANDS = {
  'pdi-engine': 'bin/start.js',
  'pdi-wallet': 'bin/wallet.js',
  'pdi-offer': 'bin/offer.js',
  'pdi-gateway': 'bin/gateway.js',
  'pdi-fuzz': 'bin/fuzz.js',
  'pdi-conformance': 'bin/conformance.js',
  'pdi-crash': 'bin/crash.js',
  'pdi-rotate-keys': 'bin/rotate-keys.js',
};

/** The package ships JavaScript: the compiler is the repository's (it builds on `npm ci`), never the user's. */
const REPOSITORY_ONLY = new Set(['typescript']);
/** Shared with the embedder, whose own copy we use (our public types mention them): one copy in the tree. */
const PEERS = new Set(['zod', 'jose']);
/** Only the PKCS#11 signer (`pdi-engine/pkcs11`) loads it; it builds a native module. */
const OPTIONAL_PEERS = new Set(['pkcs11js']);
/** Our .d.ts refer to Node's types: accept any Node types the embedder has, so they are not doubled. */
const NODE_TYPES_RANGE = '>=20';

/** A caret range for an exact version, so an embedder's copy of the same major dedupes with ours. */
function caret(version) {
  return /^\d/.test(version) ? `^${version}` : version;
}

function rangeOf(name, version) {
  return name === '@types/node' ? NODE_TYPES_RANGE : caret(version);
}

function conditions(module) {
  return { types: `./${module}.d.ts`, default: `./${module}.js` };
}

/** The manifest of the package built into dist/, from the repository's package.json. */
export function packageManifest(root) {
  const dependencies = {};
  const peerDependencies = {};
  for (const [name, version] of Object.entries(root.dependencies ?? {})) {
    if (REPOSITORY_ONLY.has(name)) continue;
    if (PEERS.has(name)) peerDependencies[name] = caret(version);
    else dependencies[name] = rangeOf(name, version);
  }
  const peerDependenciesMeta = {};
  for (const name of OPTIONAL_PEERS) {
    const version = root.optionalDependencies?.[name] ?? root.devDependencies?.[name] ?? root.dependencies?.[name];
    if (!version) throw new Error(`package-manifest: optional peer ${name} is not a dependency of the repository`);
    peerDependencies[name] = caret(version);
    peerDependenciesMeta[name] = { optional: true };
  }
  for (const name of PEERS)
    if (!peerDependencies[name])
      throw new Error(`package-manifest: peer ${name} is not a dependency of the repository`);
  const exports = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([path, module]) => [path, conditions(module)]));
  exports['./package.json'] = './package.json';
  return {
    name: root.name,
    version: root.version,
    description: root.description,
    license: root.license,
    type: 'module',
    engines: root.engines,
    exports,
    bin: Object.fromEntries(Object.entries(COMMANDS).map(([name, script]) => [name, `./${script}`])),
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
    peerDependencies,
    peerDependenciesMeta,
  };
}
