import { verifyClientAttestation } from './client-attestation.js';
import { verifyDpopProof } from './dpop.js';
import type { IssuerContext } from '../issuer-context.js';
import type { ProtocolRequest } from '../messages.js';

export interface ProvenClient {
  dpopJkt: string;
  attestationJkt?: string;
  attestedClientId?: string;
}

/**
 * What a request proves about its client: the DPoP key (RFC 9449, always required here)
 * and, when sent, the wallet attestation's instance key and client id (ABCA).
 */
export async function proveClient(
  ctx: IssuerContext,
  request: ProtocolRequest,
  url: string,
  now: number,
): Promise<ProvenClient> {
  const { config, replay } = ctx;
  const dpop = await verifyDpopProof(request.headers.get('dpop'), {
    method: request.method,
    url,
    now,
    replay,
    keyImports: ctx.keyImports,
    maxAgeSeconds: config.dpop.maxAgeSeconds,
  });
  const attestation = await verifyClientAttestation(
    {
      attestation: request.headers.get('oauth-client-attestation'),
      pop: request.headers.get('oauth-client-attestation-pop'),
    },
    {
      now,
      issuer: config.publicUrl,
      trustedAttesters: ctx.trustedAttesters,
      replay,
      keyImports: ctx.keyImports,
    },
  );
  return {
    dpopJkt: dpop.jkt,
    ...(attestation && { attestationJkt: attestation.jkt, attestedClientId: attestation.clientId }),
  };
}
