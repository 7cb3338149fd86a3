/** The simulator's memory: payments and call counters, bounded so a long demo or a load test cannot grow it forever. */
import { randomUUID } from 'node:crypto';
import type { Network } from '../../domain/networks.ts';
import { text, wholeNumber } from './request-body.ts';
import { scenarioFor, type FinalStatus, type Scenario } from './scenarios.ts';

export type SimStatus = 'PENDING' | FinalStatus;

export interface SimPayment {
  reference: string;
  /** An operator, or `card` for a card init. */
  network: Network | 'card';
  /** FeexPay's label in `reseau` (webhook, status): the operator's, or the card brand. */
  label: string;
  phoneNumber: string;
  amount: number;
  shop: string;
  description: string;
  firstName: string;
  lastName: string;
  email: string;
  callbackInfo: string;
  createdAt: Date;
  scenario: Scenario;
  status: SimStatus;
  reason: string;
  /** Set for OTP flows until the request is repeated with the code. */
  awaitingOtp: boolean;
  /** Redirect and card flows: nothing settles until the customer pays or cancels on the page. */
  awaitingCustomer: boolean;
  returnUrl: string;
  cancelUrl: string;
  statusCalls: number;
  webhookAttempts: number;
  webhooksDelivered: number;
}

/** A new PENDING payment from a request body; flows then set what it waits for. */
export function newSimPayment(network: SimPayment['network'], label: string, body: Record<string, unknown>, phoneNumber: string): SimPayment {
  return {
    reference: randomUUID(),
    network,
    label,
    phoneNumber,
    amount: wholeNumber(body.amount) as number,
    shop: text(body, 'shop'),
    description: text(body, 'description'),
    firstName: text(body, 'first_name'),
    lastName: text(body, 'last_name'),
    email: text(body, 'email'),
    callbackInfo: text(body, 'callback_info'),
    createdAt: new Date(),
    scenario: scenarioFor(phoneNumber),
    status: 'PENDING',
    reason: '',
    awaitingOtp: false,
    awaitingCustomer: false,
    returnUrl: text(body, 'return_url'),
    cancelUrl: text(body, 'cancel_url'),
    statusCalls: 0,
    webhookAttempts: 0,
    webhooksDelivered: 0,
  };
}

export type RequestPath = 'integration' | 'per_operator' | 'initcard';

export interface SimulatorCounters {
  /** `byPath`: which of FeexPay's paths took the request (integration, per_operator, initcard). */
  requestToPay: { total: number; byNetwork: Record<string, number>; byPath: Record<string, number> };
  statusCalls: number;
  webhooks: { attempts: number; delivered: number; failed: number };
  payments: number;
}

/** Bounded map that forgets its oldest entries (insertion order) past `max`. */
class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: string, value: V) => void,
  ) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      const evicted = this.map.get(oldest.value) as V;
      this.map.delete(oldest.value);
      this.onEvict?.(oldest.value, evicted);
    }
  }
  get size(): number {
    return this.map.size;
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  clear(): void {
    this.map.clear();
  }
}

export class SimStore {
  private readonly payments: BoundedMap<SimPayment>;
  private readonly callsByCallbackInfo: BoundedMap<number>;
  private counters = SimStore.zero();

  constructor(max: number, onEvict: (payment: SimPayment) => void) {
    this.payments = new BoundedMap(max, (_key, p) => onEvict(p));
    this.callsByCallbackInfo = new BoundedMap(max);
  }

  private static zero(): Omit<SimulatorCounters, 'payments'> {
    return { requestToPay: { total: 0, byNetwork: {}, byPath: {} }, statusCalls: 0, webhooks: { attempts: 0, delivered: 0, failed: 0 } };
  }

  countRequestToPay(network: string, path: RequestPath, callbackInfo: string | undefined): void {
    const c = this.counters.requestToPay;
    c.total += 1;
    c.byNetwork[network] = (c.byNetwork[network] ?? 0) + 1;
    c.byPath[path] = (c.byPath[path] ?? 0) + 1;
    if (callbackInfo !== undefined) {
      this.callsByCallbackInfo.set(callbackInfo, (this.callsByCallbackInfo.get(callbackInfo) ?? 0) + 1);
    }
  }

  countStatusCall(payment: SimPayment | undefined): void {
    this.counters.statusCalls += 1;
    if (payment) payment.statusCalls += 1;
  }

  countWebhook(payment: SimPayment, delivered: boolean): void {
    this.counters.webhooks.attempts += 1;
    payment.webhookAttempts += 1;
    if (delivered) {
      this.counters.webhooks.delivered += 1;
      payment.webhooksDelivered += 1;
    } else {
      this.counters.webhooks.failed += 1;
    }
  }

  requestsForCallbackInfo(callbackInfo: string): number {
    return this.callsByCallbackInfo.get(callbackInfo) ?? 0;
  }

  add(payment: SimPayment): void {
    this.payments.set(payment.reference, payment);
  }

  get(reference: string): SimPayment | undefined {
    return this.payments.get(reference);
  }

  byCallbackInfo(callbackInfo: string): SimPayment[] {
    return [...this.payments.values()].filter((p) => p.callbackInfo === callbackInfo);
  }

  snapshot(): SimulatorCounters {
    const c = structuredClone(this.counters);
    return { ...c, payments: this.payments.size };
  }

  reset(): void {
    this.payments.clear();
    this.callsByCallbackInfo.clear();
    this.counters = SimStore.zero();
  }
}
