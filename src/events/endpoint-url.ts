/**
 * Whether a URL may be registered as an endpoint. In live mode: https, no credentials, and a
 * host whose every address is public, resolved now (and again at each delivery, which is what
 * actually protects: a name can change). Otherwise http and loopback are fine for development.
 */
import dns from 'node:dns';
import { isPublicAddress, literalAddress } from './address-policy.ts';

export class EndpointUrlError extends Error {}

const RESOLVE_TIMEOUT_MS = 3_000;

async function resolveAll(hostname: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EndpointUrlError(`body.url host ${hostname} did not resolve within ${RESOLVE_TIMEOUT_MS / 1000} s`)), RESOLVE_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([dns.promises.lookup(hostname, { all: true }), timeout]);
    return found.map((a) => a.address);
  } catch (err) {
    if (err instanceof EndpointUrlError) throw err;
    throw new EndpointUrlError(`body.url host ${hostname} does not resolve`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Characters the URL parser drops (tabs, newlines, a NUL at the end), trims (spaces) or
 * percent-encodes (a lone surrogate as U+FFFD): the URL stored would not be the one sent.
 */
const REWRITTEN = /[\u0000-\u0020\u007f]|\p{Cs}/u;

/** The URL as it will be stored, or an EndpointUrlError whose message names body.url. */
export async function checkEndpointUrl(raw: string, allowPrivate: boolean): Promise<string> {
  if (REWRITTEN.test(raw)) throw new EndpointUrlError('body.url holds a space, a control character or an unpaired surrogate');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EndpointUrlError('body.url is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EndpointUrlError('body.url must use https (or http outside live mode)');
  if (url.username || url.password) throw new EndpointUrlError('body.url must not carry credentials');
  if (url.hash) throw new EndpointUrlError('body.url must not have a #fragment');
  if (allowPrivate) return url.toString();
  if (url.protocol !== 'https:') throw new EndpointUrlError('body.url must use https in live mode');
  const literal = literalAddress(url.hostname);
  const addresses = literal !== null ? [literal] : await resolveAll(url.hostname);
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad !== undefined) throw new EndpointUrlError(`body.url resolves to ${bad}, which is not a public address`);
  return url.toString();
}
