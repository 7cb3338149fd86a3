/**
 * The simulator's behaviour, apart from HTTP: creates payments, settles them per scenario, answers
 * status queries, sends webhooks, and exposes the control surface used by tests and demos.
 * routes.ts maps HTTP onto it; startSimulator() and the Fastify plugin share one engine.
 */
import { NETWORK_INFO, type Network } from '../../domain/networks.ts';
import { GARBAGE, statusBody, view, type PaymentView } from './answers.ts';
import { resolveOptions, type DownMode, type ResolvedOptions, type SimulatorOptions } from './options.ts';
import { text, wholeNumber } from './request-body.ts';
import { scenarioFor, type FinalStatus } from './scenarios.ts';
import { newSimPayment, SimStore, type RequestPath, type SimPayment, type SimulatorCounters } from './store.ts';
import { Timers } from './timers.ts';
import { cardInitProblem, OTP_PATTERN, requestToPayProblem, WRONG_OTP } from './validation.ts';
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

const refusal = (message: string): SimAnswer => ({ httpStatus: 400, json: { message } });
const checkoutUrl = (base: string, reference: string): string => `${base}/checkout/${reference}`;
/** What the simulator says of a refused code (FeexPay's own wording is not in its SDKs). */
const WRONG_OTP_REASON = 'INVALID OTP';

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

  /** How many requests wait in 'hang' mode now (a test can start its work once one does). */
  hangingRequests(): number {
    return this.hanging.size;
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

  async requestToPay(network: Network, body: Record<string, unknown>, base = '', path: RequestPath = 'per_operator'): Promise<SimAnswer> {
    const callbackInfo = typeof body.callback_info === 'string' ? body.callback_info : undefined;
    this.store.countRequestToPay(network, path, callbackInfo);
    const invalid = requestToPayProblem(network, body, this.options.shopId);
    if (invalid) return refusal(invalid);
    const info = NETWORK_INFO[network];
    const otp = text(body, 'otp');
    if (otp !== '' && !OTP_PATTERN.test(otp)) return refusal('otp must be 4 to 8 digits');
    // Coris: a code with the first request's reference is the second step of one collection.
    if (info.flow === 'otp' && otp !== '') return this.confirmOtp(network, body, otp);
    if (info.flow === 'otp_in_request' && otp === '') {
      return refusal(`otp is required for ${info.legacyLabel}: the customer dials #144#391# for a code`);
    }
    const scenario = scenarioFor(body.phoneNumber as string);
    if (scenario.serverError) return { httpStatus: 500, json: { message: 'Internal Server Error' } };
    if (scenario.signal) return { httpStatus: 200, json: scenario.signal };

    const p = newSimPayment(network, info.legacyLabel, body, body.phoneNumber as string);
    this.store.add(p);
    if (info.flow === 'otp') {
      // HTTP 201 alone says "OTP required"; the code goes to the customer's phone.
      p.awaitingOtp = true;
      return { httpStatus: 201, json: { reference: p.reference } };
    }
    if (otp === WRONG_OTP) return this.wrongOtp(p);
    if (scenario.immediate && scenario.final) {
      this.finish(p, scenario.final.status, scenario.final.reason, true);
      return { httpStatus: 200, json: { reference: p.reference, status: p.status, reason: p.reason } };
    }
    const redirect = info.flow === 'redirect';
    if (redirect) p.awaitingCustomer = true;
    else this.scheduleSettle(p);
    if (scenario.slow && !(await this.timers.sleep(this.options.slowResponseMs))) {
      return { httpStatus: 503, json: { message: 'Service Unavailable' } };
    }
    if (scenario.garbage) return { httpStatus: 200, text: GARBAGE };
    const answer: Record<string, unknown> = { reference: p.reference, status: p.status };
    if (redirect) {
      answer.payment_url = checkoutUrl(base, p.reference);
      answer.order_id = p.reference;
    }
    return { httpStatus: redirect ? 200 : 202, json: answer };
  }

  /** Coris's second request: the same data, the code and the first answer's reference. */
  private confirmOtp(network: Network, body: Record<string, unknown>, otp: string): SimAnswer {
    const reference = text(body, 'reference');
    if (reference === '') return refusal('reference of the first request is required with otp');
    const p = this.store.get(reference);
    if (!p || p.network !== network || !p.awaitingOtp) return { httpStatus: 404, json: { message: 'No transaction waiting for an OTP with this reference' } };
    if (p.phoneNumber !== body.phoneNumber || p.amount !== wholeNumber(body.amount)) return refusal('phoneNumber and amount must be those of the first request');
    p.awaitingOtp = false;
    if (otp === WRONG_OTP) return this.wrongOtp(p);
    const final = p.scenario.final;
    if (p.scenario.immediate && final) {
      this.finish(p, final.status, final.reason, true);
      return { httpStatus: 200, json: { reference: p.reference, status: p.status, reason: p.reason } };
    }
    this.scheduleSettle(p);
    return { httpStatus: 200, json: { reference: p.reference, status: p.status } };
  }

  private wrongOtp(p: SimPayment): SimAnswer {
    this.finish(p, 'FAILED', WRONG_OTP_REASON, p.scenario.webhook !== 'never');
    return { httpStatus: 200, json: { reference: p.reference, status: 'FAILED', reason: WRONG_OTP_REASON, message: 'Invalid OTP' } };
  }

  /** Card init: a payment that waits on the card page, reached through `data.url`. */
  initCard(body: Record<string, unknown>, base: string): SimAnswer {
    const callbackInfo = typeof body.callback_info === 'string' ? body.callback_info : undefined;
    this.store.countRequestToPay('card', 'initcard', callbackInfo);
    const invalid = cardInitProblem(body, this.options.shopId);
    if (invalid) return refusal(invalid);
    const phone = body.phone as string;
    if (scenarioFor(phone).serverError) return { httpStatus: 500, json: { message: 'Internal Server Error' } };
    const p = newSimPayment('card', body.type_card as string, body, phone);
    p.awaitingCustomer = true;
    this.store.add(p);
    return { httpStatus: 200, json: { status: 'SUCCESSFUL', reference: p.reference, data: { url: checkoutUrl(base, p.reference) } } };
  }

  /** The checkout or card page's view of a payment; undefined for an unknown reference. */
  checkout(reference: string): SimPayment | undefined {
    return this.store.get(reference);
  }

  /**
   * The customer pays or cancels on the page. Paying starts the scenario's settlement (its outcome
   * after the settle delay); cancelling fails the payment at once. Where to send the customer back.
   */
  customerActs(reference: string, action: 'pay' | 'cancel'): { kind: 'done'; backTo: string } | { kind: 'not_waiting' } {
    const p = this.store.get(reference);
    if (!p || !p.awaitingCustomer) return { kind: 'not_waiting' };
    p.awaitingCustomer = false;
    if (action === 'cancel') {
      this.finish(p, 'CANCELLED', '', p.scenario.webhook !== 'never');
      return { kind: 'done', backTo: p.cancelUrl };
    }
    const final = p.scenario.final;
    if (p.scenario.immediate && final) this.finish(p, final.status, final.reason, true);
    else this.scheduleSettle(p);
    return { kind: 'done', backTo: p.returnUrl };
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
    p.awaitingCustomer = false;
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
