/**
 * FeexPay's payout API, simulated (docs/payouts.md): the transfer per operator path (MTN and Moov
 * Benin on the global transfer with `network` in the body, Togo's operators on one path), both
 * spellings of the status path, FeexPay's limits, and outcomes chosen like payments' by the last
 * two digits of the beneficiary's number (scenarios.ts, README "Payouts"). FeexPay sends no
 * payout webhook that anyone has logged, so none is sent: the service polls.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NETWORK_INFO } from '../../domain/networks.ts';
import { MOTIF_PATTERN, PAYOUT_LIMITS, PAYOUT_NETWORKS, PAYOUT_PATHS, payoutMinimum, type PayoutNetwork } from '../../domain/payouts.ts';
import { GARBAGE, statusBody } from './answers.ts';
import type { SimAnswer } from './engine.ts';
import type { ResolvedOptions } from './options.ts';
import { scenarioFor, type FinalStatus, type Scenario } from './scenarios.ts';
import type { SimStatus } from './store.ts';
import { Timers } from './timers.ts';

export interface SimPayout {
  reference: string;
  network: PayoutNetwork;
  /** FeexPay's label in `reseau` of the status answer. */
  label: string;
  phoneNumber: string;
  amount: number;
  motif: string;
  callbackInfo: string;
  createdAt: Date;
  scenario: Scenario;
  status: SimStatus;
  reason: string;
  statusCalls: number;
}

export interface PayoutCounters {
  transfers: { total: number; byPath: Record<string, number> };
  statusCalls: { single: number; legacy: number };
  payouts: number;
}

export type PayoutView = Omit<SimPayout, 'scenario' | 'createdAt' | 'phoneNumber'> & { scenario: string; createdAt: string };

function view(p: SimPayout): PayoutView {
  const { scenario, createdAt, phoneNumber: _phone, ...rest } = p;
  return { ...rest, scenario: scenario.code, createdAt: createdAt.toISOString() };
}

/** The networks each path serves: a shared path needs `network` in the body to tell them apart. */
const NETWORKS_BY_PATH = new Map<string, PayoutNetwork[]>();
for (const n of PAYOUT_NETWORKS) NETWORKS_BY_PATH.set(PAYOUT_PATHS[n], [...(NETWORKS_BY_PATH.get(PAYOUT_PATHS[n]) ?? []), n]);

export class PayoutSimulator {
  private readonly timers = new Timers();
  private readonly payouts = new Map<string, SimPayout>();
  private readonly requestsByCallbackInfo = new Map<string, number>();
  private counters: PayoutCounters = PayoutSimulator.zero();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly settleDelayMs: () => number,
  ) {}

  private static zero(): PayoutCounters {
    return { transfers: { total: 0, byPath: {} }, statusCalls: { single: 0, legacy: 0 }, payouts: 0 };
  }

  /** The operator a transfer is for, or why FeexPay would refuse it (400). */
  private networkOf(path: string, body: Record<string, unknown>): PayoutNetwork | string {
    const candidates = NETWORKS_BY_PATH.get(path) ?? [];
    const label = typeof body.network === 'string' ? body.network.trim().toUpperCase() : undefined;
    const named = candidates.find((n) => NETWORK_INFO[n].legacyLabel === label);
    if (named) return named;
    if (candidates.length === 1 && label === undefined) return candidates[0]!;
    return `network must be one of ${candidates.map((n) => NETWORK_INFO[n].legacyLabel).join(', ')}`;
  }

  private invalid(network: PayoutNetwork, body: Record<string, unknown>): string | undefined {
    const info = NETWORK_INFO[network];
    if (typeof body.phoneNumber !== 'string' || !info.phone.test(body.phoneNumber)) return 'phoneNumber is not a valid number for this network';
    const amount = body.amount;
    const min = payoutMinimum(info.country);
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < min || amount > PAYOUT_LIMITS.max)
      return `amount must be an integer between ${min} and ${PAYOUT_LIMITS.max}`;
    if (typeof body.shop !== 'string' || body.shop === '') return 'shop is required';
    if (this.options.shopId !== undefined && body.shop !== this.options.shopId) return 'shop not found';
    if (typeof body.motif !== 'string' || !MOTIF_PATTERN.test(body.motif)) return 'motif must be 1 to 30 letters, digits or spaces';
    return undefined;
  }

  async transfer(path: string, body: Record<string, unknown>): Promise<SimAnswer> {
    this.counters.transfers.total += 1;
    this.counters.transfers.byPath[path] = (this.counters.transfers.byPath[path] ?? 0) + 1;
    const callbackInfo = typeof body.callback_info === 'string' ? body.callback_info : '';
    this.requestsByCallbackInfo.set(callbackInfo, (this.requestsByCallbackInfo.get(callbackInfo) ?? 0) + 1);
    if (!NETWORKS_BY_PATH.has(path)) return { httpStatus: 404, json: { message: `${path} payout channel not configured` } };
    const network = this.networkOf(path, body);
    if (!(PAYOUT_NETWORKS as string[]).includes(network)) return { httpStatus: 400, json: { message: network } };
    const invalid = this.invalid(network as PayoutNetwork, body);
    if (invalid) return { httpStatus: 400, json: { message: invalid } };
    const scenario = scenarioFor(body.phoneNumber as string);
    if (scenario.serverError) return { httpStatus: 500, json: { message: 'Internal Server Error' } };

    const p: SimPayout = {
      reference: randomUUID(),
      network: network as PayoutNetwork,
      label: NETWORK_INFO[network as PayoutNetwork].legacyLabel,
      phoneNumber: body.phoneNumber as string,
      amount: body.amount as number,
      motif: body.motif as string,
      callbackInfo,
      createdAt: new Date(),
      scenario,
      status: 'PENDING',
      reason: '',
      statusCalls: 0,
    };
    this.payouts.set(p.reference, p);
    this.forgetOldest();
    if (scenario.immediate && scenario.final) {
      this.finish(p, scenario.final.status, scenario.final.reason);
      return { httpStatus: 200, json: { reference: p.reference, status: p.status, reason: p.reason } };
    }
    const final = scenario.final;
    if (final) this.timers.after(this.settleDelayMs() * (scenario.settleDelayFactor ?? 1), () => this.finish(p, final.status, final.reason));
    if (scenario.slow && !(await this.timers.sleep(this.options.slowResponseMs))) return { httpStatus: 503, json: { message: 'Service Unavailable' } };
    if (scenario.garbage) return { httpStatus: 200, text: GARBAGE };
    return { httpStatus: 200, json: { reference: p.reference, status: p.status, amount: p.amount } };
  }

  status(reference: string, spelling: 'single' | 'legacy'): SimAnswer {
    this.counters.statusCalls[spelling] += 1;
    const p = this.payouts.get(reference);
    if (!p) return { httpStatus: 404, json: { message: 'Payout not found' } };
    p.statusCalls += 1;
    if (p.scenario.statusErrors && p.statusCalls <= this.options.statusErrorCount) return { httpStatus: 500, json: { message: 'Internal Server Error' } };
    const body = statusBody(p);
    return { httpStatus: 200, json: 'data' in body ? body : { ...body, type: 'Transfert', motif: p.motif } };
  }

  private finish(p: SimPayout, status: FinalStatus, reason: string): void {
    if (p.status !== 'PENDING') return;
    p.status = status;
    p.reason = reason;
  }

  private forgetOldest(): void {
    while (this.payouts.size > this.options.maxPayments) this.payouts.delete(this.payouts.keys().next().value as string);
  }

  // ---- control surface ----

  payout(reference: string): PayoutView | undefined {
    const p = this.payouts.get(reference);
    return p ? view(p) : undefined;
  }

  /** Transfer calls seen with this callback_info (even those that created nothing), and the payouts. */
  byCallbackInfo(callbackInfo: string): { requests: number; payouts: PayoutView[] } {
    const payouts = [...this.payouts.values()].filter((p) => p.callbackInfo === callbackInfo).map(view);
    return { requests: this.requestsByCallbackInfo.get(callbackInfo) ?? 0, payouts };
  }

  forceStatus(reference: string, status: FinalStatus, reason = ''): boolean {
    const p = this.payouts.get(reference);
    if (!p) return false;
    p.status = status;
    p.reason = reason;
    return true;
  }

  snapshot(): PayoutCounters {
    return { ...structuredClone(this.counters), payouts: this.payouts.size };
  }

  stop(): void {
    this.timers.clear();
  }

  reset(): void {
    this.stop();
    this.payouts.clear();
    this.requestsByCallbackInfo.clear();
    this.counters = PayoutSimulator.zero();
  }
}

type WithBody = FastifyRequest<{ Params: Record<string, string> }>;
const bodyOf = (req: WithBody): Record<string, unknown> | undefined =>
  typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : undefined;

/** FeexPay's payout paths; registered inside the FeexPay routes, behind their key check and outage switch. */
export function payoutRoutes(sim: PayoutSimulator, send: (reply: FastifyReply, a: SimAnswer) => unknown) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const transfer = async (req: WithBody, path: string, reply: FastifyReply) => {
      const body = bodyOf(req);
      if (!body) return reply.code(400).send({ message: 'JSON body required' });
      return send(reply, await sim.transfer(path, body));
    };
    app.post('/api/payouts/public/transfer/global', (req: WithBody, reply) => transfer(req, 'transfer/global', reply));
    app.post('/api/payouts/public/:op', (req: WithBody, reply) => transfer(req, req.params.op ?? '', reply));
    app.get('/api/payouts/public/single/status/:reference', (req: WithBody, reply) => send(reply, sim.status(req.params.reference ?? '', 'single')));
    app.get('/api/payouts/status/public/:reference', (req: WithBody, reply) => send(reply, sim.status(req.params.reference ?? '', 'legacy')));
  };
}

/** /_simulator/payouts*: what tests and demos read and force. */
export function payoutControlRoutes(sim: PayoutSimulator) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/_simulator/payouts/counters', async () => sim.snapshot());
    app.get<{ Querystring: { callback_info?: string } }>('/_simulator/payouts', async (req, reply) => {
      const info = req.query.callback_info;
      if (typeof info !== 'string') return reply.code(400).send({ error: { code: 'invalid_request', message: 'callback_info query parameter required' } });
      return sim.byCallbackInfo(info);
    });
    app.get<{ Params: { reference: string } }>('/_simulator/payouts/:reference', async (req, reply) => {
      return sim.payout(req.params.reference) ?? reply.code(404).send({ error: { code: 'payout_not_found', message: 'no such simulated payout' } });
    });
  };
}
