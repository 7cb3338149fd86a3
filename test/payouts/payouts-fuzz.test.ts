/**
 * Random payout bodies through real HTTP: never a 5xx, and a refused body never reaches FeexPay
 * (validation happens before any call), while an accepted one reaches it exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PAYOUT_NETWORKS } from '../../src/domain/payouts.ts';
import { NETWORKS, NETWORK_INFO } from '../../src/domain/networks.ts';
import { newKey } from '../helpers/http.ts';
import { postPayout, startPayoutApp, type PayoutTestApp } from './helpers.ts';

let t: PayoutTestApp;
before(async () => {
  t = await startPayoutApp('payouts-fuzz', { PAYOUT_DAILY_CAP: 'XOF=100000000,XAF=100000000', FEEXPAY_REQUEST_TIMEOUT_MS: '10000' });
});
after(async () => t.close());

const phones = fc.oneof(
  fc.constantFrom('2290167000004', '22890000004', '22505000000004', '2217000000004', '22670000004', '242060000004', '22370000004'),
  fc.stringMatching(/^[0-9]{6,16}$/),
  fc.string({ maxLength: 20 }),
);
/** A number of each payout network's format, ending 04 (pending forever). */
const SAMPLE_PHONE: Record<string, string> = {
  BJ: '2290167000004',
  TG: '22890000004',
  SN: '221700000004',
  BF: '22670000004',
  CG: '242060000004',
  ML: '22370000004',
  mtn_ci: '2250500000004',
  orange_ci: '2250700000004',
  moov_ci: '2250100000004',
  wave_ci: '2250100000004',
};
const valid = fc.constantFrom(...PAYOUT_NETWORKS).chain((network) => {
  const info = NETWORK_INFO[network];
  return fc.record({
    amount: fc.integer({ min: info.country === 'BJ' ? 50 : 100, max: 100_000 }),
    currency: fc.constant(info.currency),
    network: fc.constant(network as string),
    phone_number: fc.constant(SAMPLE_PHONE[network] ?? SAMPLE_PHONE[info.country]!),
    motif: fc.stringMatching(/^[A-Za-z0-9 ]{1,30}$/),
  });
});
const random = fc.record(
  {
    amount: fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.constantFrom(49, 50, 99, 100, 100_000, 100_001), fc.double(), fc.string()),
    currency: fc.constantFrom('XOF', 'XAF', 'EUR', ''),
    network: fc.constantFrom(...NETWORKS, 'unknown'),
    phone_number: phones,
    motif: fc.oneof(fc.stringMatching(/^[A-Za-z0-9 ]{0,32}$/), fc.string({ maxLength: 40 })),
    metadata: fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['network'] },
);
const body = fc.oneof(
  valid.map((b) => ({ b, wellFormed: true })),
  random.map((b) => ({ b, wellFormed: false })),
);

test('random payout bodies: 201 or a 4xx naming a body field, never a 5xx; FeexPay called only for accepted ones', async () => {
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(body, async ({ b, wellFormed }) => {
      const before = t.sim.snapshot().transfers.total;
      const answer = await postPayout(t, b, newKey('fuzz'));
      const calls = t.sim.snapshot().transfers.total - before;
      assert.ok(answer.status < 500, `${answer.status} for ${JSON.stringify(b)}`);
      if (wellFormed) assert.equal(answer.status, 201, JSON.stringify([b, answer.body]));
      if (answer.status === 201) {
        accepted++;
        assert.ok((PAYOUT_NETWORKS as string[]).includes(b.network));
        assert.equal(calls, 1);
        assert.equal(answer.body.amount, b.amount);
      } else {
        assert.equal(answer.status, 400, JSON.stringify([b, answer.body]));
        assert.match(answer.body.error.message, /^body/);
        assert.equal(calls, 0, 'no FeexPay call for a refused payout');
      }
    }),
    { numRuns: 150 },
  );
  assert.ok(accepted > 0, 'some random bodies were valid');
});
