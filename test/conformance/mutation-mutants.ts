/**
 * The mutants of issue 17 §3: each a bug the kit must find, made by replacing text in a copy of the
 * source. Each `from` must occur exactly once in its file, so a refactor that moves the code breaks
 * the mutation test loudly instead of letting it pass without mutating anything.
 */
export interface Replacement {
  file: string;
  from: string;
  to: string;
}

export interface Mutant {
  name: string;
  /** What the bug breaks. */
  requirement: string;
  /** One place, or (for a bug that lives in two places, such as a check made in two layers) each place once. */
  replacements: Replacement[];
  /** The checks that must fail against this mutant. */
  caughtBy: string[];
}

export const MUTANTS: Mutant[] = [
  {
    name: 'pdis not bound to its session',
    requirement: 'P-20',
    replacements: [{ file: 'engine/rules.ts', from: '!c.pdis || e.pdisHash !== c.pdis.hash', to: '!c.pdis' }],
    caughtBy: ['fixation.pdis-other-session'],
  },
  {
    name: 'pdis not single use',
    requirement: 'PDI-DE (single use)',
    // The engine keeps a pdis single use in four places: the follow-up is taken after the code, with its
    // pdis, the machine lets it earn another, and the code no longer clears the pdis.
    replacements: [
      {
        file: 'engine/evolve.ts',
        from: 'AuthorizationCodeIssued: (c, e) => ({ ...c, pdis: undefined, code: e.code }),',
        to: 'AuthorizationCodeIssued: (c, e) => ({ ...c, code: e.code }),',
      },
      {
        file: 'engine/decide.ts',
        from: "if (name !== 'presentationVerified')\n      return new InvalidRequest('no verified presentation",
        to: "if (name !== 'presentationVerified' && name !== 'codeIssued')\n      return new InvalidRequest('no verified presentation",
      },
      {
        file: 'engine/decide.ts',
        from: "if (!RETRY_STATES.has(name) && name !== 'presentationVerified')",
        to: "if (!RETRY_STATES.has(name) && name !== 'presentationVerified' && name !== 'codeIssued')",
      },
      {
        file: 'engine/machine.ts',
        from: "codeIssued: { on: { TokenIssued: to('tokenIssued'),",
        to: "codeIssued: { on: { AuthorizationCodeIssued: to('codeIssued'), TokenIssued: to('tokenIssued'),",
      },
    ],
    caughtBy: ['replay.pdis'],
  },
  {
    name: 'follow-up DPoP key not compared',
    requirement: 'FiPA §9.6.1',
    replacements: [{ file: 'engine/rules.ts', from: 'if (caller.dpopJkt !== c.dpopJkt)', to: 'if (false)' }],
    caughtBy: ['dpop.follow-up-other-key'],
  },
  {
    name: 'token DPoP key not compared',
    requirement: 'RFC 9449 §10',
    replacements: [{ file: 'engine/rules.ts', from: 'e.dpopJkt !== c.dpopJkt', to: 'false' }],
    caughtBy: ['dpop.token-other-key'],
  },
  {
    name: 'client_id of a follow-up not compared',
    requirement: 'FiPA §5.1',
    replacements: [{ file: 'engine/rules.ts', from: 'clientId === undefined || clientId === c.clientId', to: 'true' }],
    caughtBy: ['fixation.other-client'],
  },
  {
    name: 'KB-JWT aud unchecked',
    requirement: 'P-41',
    replacements: [
      {
        file: 'engine/dialect-rules.ts',
        from: 'export function keyBindingAudience(c: SessionContext, kbAud: string): EngineError | undefined {',
        to: 'export function keyBindingAudience(c: SessionContext, kbAud: string): EngineError | undefined {\n  if (kbAud) return undefined;',
      },
    ],
    caughtBy: ['kb.aud'],
  },
  {
    name: 'KB-JWT nonce unchecked',
    requirement: 'P-41',
    replacements: [{ file: 'engine/rules.ts', from: 'e.kbNonce !== c.request.nonce', to: 'false' }],
    caughtBy: ['kb.nonce'],
  },
  {
    name: 'KB-JWT sd_hash unchecked',
    requirement: 'CF-21',
    replacements: [
      {
        file: 'protocol/openid4vp/sd-jwt-presentation.ts',
        from: 'if (kb.sd_hash !== sha256(presented))',
        to: 'if (false)',
      },
    ],
    caughtBy: ['kb.sd-hash'],
  },
  {
    name: 'code reuse not revoking the grant',
    requirement: 'RFC 6749 §4.1.2',
    replacements: [
      {
        file: 'engine/decide.ts',
        from: 'return left({ error, effect: { event, state: advance(state, event) } });',
        to: 'return left({ error });',
      },
    ],
    caughtBy: ['replay.code'],
  },
  {
    name: 'old auth_session accepted',
    requirement: 'FiPA §5.3.1; issue 13 §7',
    replacements: [
      { file: 'engine/rules.ts', from: 'if (caller.authSessionHash !== c.authSessionHash)', to: 'if (false)' },
    ],
    caughtBy: ['wallet-error.old-auth-session'],
  },
  {
    name: 'c_nonce reusable',
    requirement: 'OpenID4VCI §13.8',
    replacements: [
      {
        file: 'protocol/endpoints/credential.ts',
        from: 'if (!(await replay.useOnce(',
        to: 'if (false && !(await replay.useOnce(',
      },
    ],
    caughtBy: ['replay.c-nonce'],
  },
  {
    name: 'access token expiry ignored',
    requirement: 'RFC 6750 §3.1',
    // The refusal and the deadline that ends the session: without the second the sweep would still end it.
    replacements: [
      {
        file: 'engine/rules.ts',
        from: 'if (at >= c.token.expiresAt) return new InvalidToken',
        to: 'if (false) return new InvalidToken',
      },
      {
        file: 'engine/deadlines.ts',
        from: 'return c.token?.expiresAt ?? Number.POSITIVE_INFINITY;',
        to: 'return Number.POSITIVE_INFINITY;',
      },
    ],
    caughtBy: ['expiry.access-token'],
  },
  {
    name: "a dialect's follow-up accepted on another dialect's session",
    requirement: 'issue 13 §2',
    // Both layers of the dispatch by dialect: the endpoint's refusal before the body is read, and the engine's.
    replacements: [
      { file: 'engine/dialect-rules.ts', from: 'if (cmd.endpoint !== followUpEndpoint(c.dialect))', to: 'if (false)' },
      {
        file: 'protocol/endpoints/challenge-follow-up.ts',
        from: 'if (followUpEndpoint(f.session.dialect) !== endpoint)',
        to: 'if (false)',
      },
    ],
    caughtBy: ['fixation.cross-dialect'],
  },
  {
    name: 'credential request DPoP key not compared with the token binding',
    requirement: 'RFC 9449 §7.1',
    replacements: [
      {
        file: 'engine/rules.ts',
        from: 'if (dpopJkt !== c.dpopJkt) return new InvalidDpopProof',
        to: 'if (false) return new InvalidDpopProof',
      },
    ],
    caughtBy: ['dpop.credential-other-key'],
  },
  {
    name: 'DPoP ath unchecked',
    requirement: 'RFC 9449 §4.3',
    replacements: [{ file: 'protocol/oauth2/dpop.ts', from: 'if (payload.ath !== ath) throw', to: 'if (false) throw' }],
    caughtBy: ['dpop.ath'],
  },
  {
    name: 'DPoP htu unchecked',
    requirement: 'RFC 9449 §4.3',
    replacements: [
      {
        file: 'protocol/oauth2/dpop.ts',
        from: 'if (!sameUri(payload.htu, options.url)) throw',
        to: 'if (false) throw',
      },
    ],
    caughtBy: ['dpop.htm-htu'],
  },
  {
    name: 'DPoP jti replay accepted',
    requirement: 'RFC 9449 §11.1',
    replacements: [{ file: 'protocol/oauth2/dpop.ts', from: 'if (!fresh) throw', to: 'if (false) throw' }],
    caughtBy: ['replay.dpop-jti'],
  },
];
