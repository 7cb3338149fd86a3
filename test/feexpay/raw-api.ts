/** Raw HTTP calls to a running simulator, for tests that check FeexPay's wire shapes themselves. */
import { bj } from './helpers.ts';

export interface RawAnswer {
  status: number;
  // The tests assert on FeexPay's loose JSON shapes field by field.
  json: any;
  text: string;
}

export function rawApi(target: () => { url: string; apiKey: string }) {
  async function call(method: string, path: string, body?: unknown, key: string | null = target().apiKey): Promise<RawAnswer> {
    const res = await fetch(`${target().url}${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  const rtpBody = (suffix: string, extra: Record<string, unknown> = {}) => ({
    phoneNumber: bj(suffix),
    amount: 2500,
    shop: 'anyshop',
    description: 'Order 7',
    first_name: 'Kofi',
    last_name: 'Mensah',
    email: 'kofi@example.com',
    callback_info: `cb_${suffix}`,
    ...extra,
  });

  const rtp = (suffix: string, extra: Record<string, unknown> = {}, op = 'mtn') => call('POST', `/api/transactions/public/requesttopay/${op}`, rtpBody(suffix, extra));

  return { call, rtp, rtpBody };
}
