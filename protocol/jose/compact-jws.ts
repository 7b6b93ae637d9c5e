import type { JwsSigner } from '../../adapters/keys/ports.js';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWS in compact serialisation (RFC 7515 §7.1) over a JSON payload, signed by the callback of `signer`. */
export async function signCompactJws(
  signer: JwsSigner,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const signingInput = `${encode(header)}.${encode(payload)}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}
