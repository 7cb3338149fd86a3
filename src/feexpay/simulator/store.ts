/** The simulator's memory: payments and call counters, bounded so a long demo or a load test cannot grow it forever. */
import type { Network } from '../../domain/networks.ts';
import type { FinalStatus, Scenario } from './scenarios.ts';

export type SimStatus = 'PENDING' | FinalStatus;

export interface SimPayment {
  reference: string;
  network: Network;
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
  statusCalls: number;
  webhookAttempts: number;
  webhooksDelivered: number;
}

export interface SimulatorCounters {
  requestToPay: { total: number; byNetwork: Record<string, number> };
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
    return { requestToPay: { total: 0, byNetwork: {} }, statusCalls: 0, webhooks: { attempts: 0, delivered: 0, failed: 0 } };
  }

  countRequestToPay(network: string, callbackInfo: string | undefined): void {
    this.counters.requestToPay.total += 1;
    this.counters.requestToPay.byNetwork[network] = (this.counters.requestToPay.byNetwork[network] ?? 0) + 1;
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
