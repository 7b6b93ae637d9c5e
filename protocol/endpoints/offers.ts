import { z } from 'zod';
import { InvalidRequest, UnknownCredentialConfiguration } from '../../engine/index.js';
import { audit, refuseNonAdmin } from './admin-auth.js';
import { endpoints, type IssuerContext } from '../issuer-context.js';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '../messages.js';

export interface OfferLinks {
  offerUri: string;
  issuerState: string;
  credentialOfferUri?: string;
}

/** The offer JSON (OpenID4VCI §4.1.1): an authorization_code grant carrying issuer_state. */
function offerBody(ctx: Pick<IssuerContext, 'config'>, credentialConfigurationIds: string[], issuerState: string) {
  return {
    credential_issuer: ctx.config.publicUrl,
    credential_configuration_ids: credentialConfigurationIds,
    grants: { authorization_code: { issuer_state: issuerState } },
  };
}

/** OpenID4VCI §4.1: an offer with an authorization_code grant carrying issuer_state, by value or by reference. */
export async function createOffer(
  ctx: Pick<IssuerContext, 'config' | 'offers' | 'issuerStates' | 'now'>,
  credentialConfigurationIds: string[],
  byReference: boolean,
): Promise<OfferLinks> {
  for (const id of credentialConfigurationIds)
    if (!ctx.config.credentialConfigurations[id])
      throw new UnknownCredentialConfiguration('an unknown credential configuration is named', 'OpenID4VCI §4.1.1');
  const offer = ctx.issuerStates.newOffer(credentialConfigurationIds, ctx.now(), ctx.config.lifetimes.offer);
  await ctx.offers.create(offer);
  if (!byReference) {
    const body = JSON.stringify(offerBody(ctx, credentialConfigurationIds, offer.issuerState));
    return {
      offerUri: `openid-credential-offer://?credential_offer=${encodeURIComponent(body)}`,
      issuerState: offer.issuerState,
    };
  }
  const credentialOfferUri = endpoints(ctx.config).offer(offer.offerId);
  return {
    offerUri: `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(credentialOfferUri)}`,
    issuerState: offer.issuerState,
    credentialOfferUri,
  };
}

/** GET credential_offer_uri: the offer JSON, served once, its issuer_state derived again from the offer id (hardening §3). */
export async function handleOfferFetch(ctx: IssuerContext, offerId: string): Promise<ProtocolResponse> {
  const ids = await ctx.offers.serveOnce(offerId, ctx.now());
  if (ids === undefined)
    return jsonResponse(404, {
      error: 'invalid_request',
      error_description: 'unknown, expired or already served offer',
    });
  return jsonResponse(200, offerBody(ctx, ids, ctx.issuerStates.of(offerId)));
}

const OfferRequest = z.object({
  credential_configuration_ids: z.array(z.string().min(1)).min(1).max(16),
  by_reference: z.boolean().default(true),
});

/** POST /admin/offers (Bearer admin token): the API behind the CLI's `offer` command. */
export async function handleOfferCreate(ctx: IssuerContext, request: ProtocolRequest): Promise<ProtocolResponse> {
  const refused = refuseNonAdmin(ctx, request, 'offers');
  if (refused) return refused;
  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    throw new InvalidRequest('body is not valid JSON', 'admin API');
  }
  const parsed = OfferRequest.safeParse(json);
  if (!parsed.success) throw new InvalidRequest('credential_configuration_ids is required', 'admin API');
  const links = await createOffer(ctx, parsed.data.credential_configuration_ids, parsed.data.by_reference);
  audit(ctx, {
    action: 'offer_created',
    endpoint: 'offers',
    configurations: parsed.data.credential_configuration_ids.join(' '),
    byReference: String(parsed.data.by_reference),
  });
  return jsonResponse(201, {
    offer_uri: links.offerUri,
    ...(links.credentialOfferUri && { credential_offer_uri: links.credentialOfferUri }),
  });
}
