import fc from 'fast-check';

/** The shape of a fuzzer request without its wallet (see `FuzzRequest` in `fuzzer.ts`). */
interface InteractiveFuzzRequest {
  method: string;
  path: string;
  contentType: string;
  dpop: 'valid' | 'other-key' | 'garbage' | 'none';
  body: string;
}

/** The interaction types wallets of every dialect offer, with misspellings and garbage. */
const interactionTypes = (garbage: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.constantFrom(
      'redirect_to_web,openid4vp_presentation',
      'urn:openid:dcp:iae:openid4vp_presentation,urn:openid:dcp:iae:redirect_to_web',
      'urn:openid:dcp:ia:openid4vp_presentation,urn:openid:dcp:ia:auth_via_web',
      'urn:openid:dcp:ia:auth_via_web',
      ' urn:openid:dcp:ia:openid4vp_presentation , openid4vp_presentation ',
      'urn:openid:dcp:ia:',
    ),
    garbage,
  );

/** What a follow-up may carry as `openid4vp_response`: each allowed shape with junk inside, and garbage. */
const openid4vpResponse = (garbage: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.constantFrom(
      '{"vp_token":{"pid":["a~b~"]}}',
      '{"vp_token":{"pid":[]}}',
      '{"vp_token":{"other":["x"]}}',
      '{"response":"a.b.c.d.e"}',
      '{"error":"access_denied","error_description":"no"}',
      '{"error":"access_denied","state":"x"}',
      '{"vp_token":{"pid":["a~b~"]},"error":"access_denied"}',
      '[]',
      'null',
    ),
    garbage,
  );

/**
 * Issue 13: requests of every dialect for the fuzzer. Initial requests of S3 at the challenge
 * endpoint and of S1/S2 at the IAE, and follow-ups at both with the corpus's real auth_sessions
 * (sessions of another dialect included) and mutated `openid4vp_response`s.
 */
export function arbInteractiveRequest(options: {
  authSession: fc.Arbitrary<string>;
  garbage: fc.Arbitrary<string>;
  dpop: fc.Arbitrary<InteractiveFuzzRequest['dpop']>;
  contentType: fc.Arbitrary<string>;
  form: (fields: Record<string, fc.Arbitrary<string>>) => fc.Arbitrary<string>;
}): fc.Arbitrary<InteractiveFuzzRequest> {
  const { garbage, form } = options;
  const path = fc.constantFrom('/authorize-challenge', '/iae/interactive-authorization');
  const post = (body: fc.Arbitrary<string>) =>
    fc.record({ method: fc.constant('POST'), path, contentType: options.contentType, dpop: options.dpop, body });
  return fc.oneof(
    post(
      form({
        client_id: fc.constantFrom('reference-wallet', 'other'),
        response_type: fc.constantFrom('code', 'token'),
        scope: fc.constantFrom('membership', 'x'),
        interaction_types_supported: interactionTypes(garbage),
        request_uri: garbage,
        request: garbage,
        code_challenge: garbage,
      }),
    ),
    post(
      form({
        auth_session: options.authSession,
        openid4vp_response: openid4vpResponse(garbage),
        presentation_during_issuance_session: garbage,
      }),
    ),
  );
}
