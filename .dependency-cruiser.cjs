/**
 * Import boundaries (issue 11 §4), run by `npm test` (`npm run lint`). Tests (`test/`) may
 * import any module: a unit test tests its unit. Everything else keeps to these rules.
 */
const PRODUCT =
  '^(?:(engine|config|protocol|adapters|issuer|transports|wallet|testing|conformance|bin|bench)/|index\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form layers, never circles.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-is-pure',
      severity: 'error',
      comment: 'The engine imports only the engine, zod, xstate and fp-ts: no I/O, no clock, no randomness.',
      from: { path: '^engine/' },
      to: { pathNot: ['^engine/', '^node_modules/(zod|xstate|fp-ts)/'] },
    },
    {
      name: 'public-module-only',
      severity: 'error',
      comment: 'A folder with an index.ts is a package: from outside it, import only its index.ts.',
      from: { path: PRODUCT },
      to: { path: '^(engine|testing|issuer|conformance)/(?!index\\.ts$)', pathNot: '^$1/' },
    },
    {
      name: 'front-door-for-embedders',
      comment: 'index.ts is the package as embedders import it; inside the repository, import the module itself.',
      severity: 'error',
      from: { path: PRODUCT },
      to: { path: '^index\\.ts$' },
    },
    {
      name: 'pkcs11js-in-its-entry',
      comment:
        'pkcs11js is an optional peer dependency: only pdi-engine/pkcs11 loads it, so nothing else needs it installed.',
      severity: 'error',
      from: { path: PRODUCT, pathNot: '^adapters/keys/pkcs11/' },
      to: { path: '^node_modules/pkcs11js/' },
    },
    {
      name: 'protocol-not-transports',
      severity: 'error',
      comment: 'The wire rules are transport-independent; transports and the composition root wrap them from outside.',
      from: { path: '^protocol/' },
      to: { path: '^(transports|issuer|bin)/' },
    },
    {
      name: 'adapters-below-protocol',
      severity: 'error',
      comment: 'Adapters implement ports; they do not call protocol handlers, transports or the composition root.',
      from: { path: '^adapters/' },
      to: { path: '^(protocol/endpoints|protocol/router|transports|issuer|bin)' },
    },
    {
      name: 'product-not-tests',
      severity: 'error',
      comment: 'What users run (bin, bench, testing, the library) never imports from test/.',
      from: { path: PRODUCT },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'node', 'default'] },
  },
};
