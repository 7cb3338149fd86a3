/**
 * The simulator's behaviour, apart from HTTP: creates payments, settles them per scenario, answers
 * status queries, sends webhooks, and exposes the control surface used by tests and demos.
 * routes.ts maps HTTP onto it; startSimulator() and the Fastify plugin share one engine.
 */
import { randomUUID } from 'node:crypto';
import { AMOUNT_LIMITS, NETWORK_INFO, type Network } from '../../domain/networks.ts';
import { GARBAGE, statusBody, view, type PaymentView } from './answers.ts';
import { resolveOptions, type DownMode, type ResolvedOptions, type SimulatorOptions } from './options.ts';
import { scenarioFor, type FinalStatus } from './scenarios.ts';
import { SimStore, type SimPayment, type SimulatorCounters } from './store.ts';
import { Timers } from './timers.ts';
import { WebhookSender, type WebhookLog } from './webhook.ts';
import { PayoutSimulator } from './payouts.ts';

/** An HTTP answer in FeexPay's shape: JSON, or raw text for the garbage scenario. */
export interface SimAnswer {
  httpStatus: number;
  json?: unknown;
  text?: string;
}

/** What tests and demos may do to the simulator, in process or over /_simulator. */
export interface SimulatorControl {
  readonly apiKey: string;
  counters(): SimulatorCounters;
  payment(reference: string): PaymentView | undefined;
  /** Request-to-pay calls seen with this callback_info (including those that created nothing), and the payments. */
  byCallbackInfo(callbackInfo: string): { requests: number; payments: PaymentView[] };
  forceStatus(reference: string, status: FinalStatus, reason?: string, opts?: { webhook?: boolean }): boolean;
  resendWebhook(reference: string): boolean;
  setSettleDelay(ms: number): void;
  setWebhookUrl(url: string | undefined): void;
  setDownMode(mode: DownMode): void;
  reset(): void;
}

function field(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  return typeof v === 'string' ? v : '';
}

export class SimulatorEngine implements SimulatorControl {
  readonly options: ResolvedOptions;
  readonly payouts: PayoutSimulator;
  private readonly timers = new Timers();
  private readonly store: SimStore;
  private readonly webhooks: WebhookSender;
  private readonly settleTimers = new Map<string, () => void>();
  private readonly hanging = new Set<() => void>();
  private settleDelayMs: number;
  private webhookUrl: string | undefined;
  private mode: DownMode = 'off';

  constructor(opts: SimulatorOptions = {}, log?: WebhookLog) {
    this.options = resolveOptions(opts);
    this.settleDelayMs = this.options.settleDelayMs;
    this.webhookUrl = this.options.webhookUrl;
    this.store = new SimStore(this.options.maxPayments, (p) => this.cancelSettle(p.reference));
    this.webhooks = new WebhookSender(this.options, () => this.webhookUrl, this.store, this.timers, log);
    this.payouts = new PayoutSimulator(this.options, () => this.settleDelayMs);
  }

  get apiKey(): string {
    return this.options.apiKey;
  }

  get downMode(): DownMode {
    return this.mode;
  }

  /** In 'hang' mode a request waits here until the mode changes or the simulator closes. */
  hang(): Promise<void> {
    return new Promise((resolve) => {
      const release = (): void => {
        this.hanging.delete(release);
        resolve();
      };
      this.hanging.add(release);
    });
  }

  /** Validates like FeexPay does before anything is started; undefined when the body is acceptable. */
  invalidRequest(body: Record<string, unknown>): string | undefined {
    const phone = body.phoneNumber;
    if (typeof phone !== 'string' || !/^\d{8,15}$/.test(phone)) return 'phoneNumber must be digits with the country code';
    const amount = body.amount;
    if (typeof amount !== 'number' || !Number.isInteger(amount)) return 'amount must be an integer';
    if (amount < AMOUNT_LIMITS.min || amount > AMOUNT_LIMITS.max) return `amount must be between ${AMOUNT_LIMITS.min} and ${AMOUNT_LIMITS.max}`;
    if (typeof body.shop !== 'string' || body.shop === '') return 'shop is required';
    if (this.options.shopId !== undefined && body.shop !== this.options.shopId) return 'shop not found';
    if (typeof body.callback_info !== 'string' && body.callback_info !== undefined) return 'callback_info must be a string';
    return undefined;
  }

  async requestToPay(network: Network, body: Record<string, unknown>): Promise<SimAnswer> {
    const callbackInfo = typeof body.callback_info === 'string' ? body.callback_info : undefined;
    this.store.countRequestToPay(network, callbackInfo);
    const invalid = this.invalidRequest(body);
    if (invalid) return { httpStatus: 400, json: { message: invalid } };
    const phoneNumber = body.phoneNumber as string;
    const scenario = scenarioFor(phoneNumber);
    if (scenario.serverError) return { httpStatus: 500, json: { message: 'Internal Server Error' } };

    const flow = NETWORK_INFO[network].flow;
    const otp = typeof body.otp === 'string' || typeof body.otp === 'number' ? String(body.otp) : '';
    const p: SimPayment = {
      reference: randomUUID(),
      network,
      phoneNumber,
      amount: body.amount as number,
      shop: field(body, 'shop'),
      description: field(body, 'description'),
      firstName: field(body, 'first_name'),
      lastName: field(body, 'last_name'),
      email: field(body, 'email'),
      callbackInfo: callbackInfo ?? '',
      createdAt: new Date(),
      scenario,
      status: 'PENDING',
      reason: '',
      awaitingOtp: flow === 'otp' && otp === '',
      statusCalls: 0,
      webhookAttempts: 0,
      webhooksDelivered: 0,
    };
    this.store.add(p);

    if (p.awaitingOtp) {
      // Coris: the code goes to the customer's phone; the merchant repeats the request with it.
      return {
        httpStatus: 201,
        json: { reference: p.reference, status: 'PENDING', otp_required: true, message: 'OTP sent to the customer: repeat the request with otp' },
      };
    }
    if (scenario.immediate && scenario.final) {
      this.finish(p, scenario.final.status, scenario.final.reason, true);
      return { httpStatus: 200, json: { reference: p.reference, status: p.status, reason: p.reason } };
    }
    this.scheduleSettle(p);
    if (scenario.slow && !(await this.timers.sleep(this.options.slowResponseMs))) {
      return { httpStatus: 503, json: { message: 'Service Unavailable' } };
    }
    if (scenario.garbage) return { httpStatus: 200, text: GARBAGE };
    const answer: Record<string, unknown> = { reference: p.reference, status: p.status };
    if (flow === 'redirect') {
      answer.payment_url = `https://checkout.feexpay.invalid/pay/${p.reference}`;
      answer.order_id = p.reference;
    }
    return { httpStatus: flow === 'redirect' ? 200 : 202, json: answer };
  }

  status(reference: string): SimAnswer {
    const p = this.store.get(reference);
    this.store.countStatusCall(p);
    if (!p) return { httpStatus: 404, json: { message: 'Transaction not found' } };
    if (p.scenario.statusErrors && p.statusCalls <= this.options.statusErrorCount) {
      return { httpStatus: 500, json: { message: 'Internal Server Error' } };
    }
    return { httpStatus: 200, json: statusBody(p) };
  }

  private scheduleSettle(p: SimPayment): void {
    const final = p.scenario.final;
    if (!final) return;
    const cancel = this.timers.after(this.settleDelayMs * (p.scenario.settleDelayFactor ?? 1), () => {
      this.settleTimers.delete(p.reference);
      this.finish(p, final.status, final.reason, p.scenario.webhook !== 'never');
    });
    this.settleTimers.set(p.reference, cancel);
  }

  private cancelSettle(reference: string): void {
    this.settleTimers.get(reference)?.();
    this.settleTimers.delete(reference);
  }

  private finish(p: SimPayment, status: FinalStatus, reason: string, webhook: boolean): void {
    p.status = status;
    p.reason = reason;
    p.awaitingOtp = false;
    if (webhook) this.webhooks.send(p, p.scenario.webhook === 'duplicates' ? this.options.webhookDuplicates : 1);
  }

  // ---- control surface ----

  counters(): SimulatorCounters {
    return this.store.snapshot();
  }

  payment(reference: string): PaymentView | undefined {
    const p = this.store.get(reference);
    return p ? view(p) : undefined;
  }

  byCallbackInfo(callbackInfo: string): { requests: number; payments: PaymentView[] } {
    return { requests: this.store.requestsForCallbackInfo(callbackInfo), payments: this.store.byCallbackInfo(callbackInfo).map(view) };
  }

  forceStatus(reference: string, status: FinalStatus, reason = '', opts: { webhook?: boolean } = {}): boolean {
    const p = this.store.get(reference);
    if (!p) return false;
    this.cancelSettle(reference);
    this.finish(p, status, reason, opts.webhook ?? true);
    return true;
  }

  /** A late re-send, as FeexPay does hours later. */
  resendWebhook(reference: string): boolean {
    const p = this.store.get(reference);
    if (!p || p.status === 'PENDING') return false;
    this.webhooks.send(p, 1);
    return true;
  }

  setSettleDelay(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError('settle delay must be a non-negative integer');
    this.settleDelayMs = ms;
  }

  setWebhookUrl(url: string | undefined): void {
    if (url !== undefined) new URL(url); // throws on a malformed URL
    this.webhookUrl = url;
  }

  setDownMode(mode: DownMode): void {
    this.mode = mode;
    if (mode !== 'hang') for (const release of [...this.hanging]) release();
  }

  reset(): void {
    this.stopAll();
    this.store.reset();
    this.payouts.reset();
    this.settleDelayMs = this.options.settleDelayMs;
    this.mode = 'off';
  }

  close(): void {
    this.stopAll();
    this.mode = 'off';
  }

  private stopAll(): void {
    this.webhooks.stop();
    this.timers.clear();
    this.payouts.stop();
    this.settleTimers.clear();
    for (const release of [...this.hanging]) release();
  }
}
