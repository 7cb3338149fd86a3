/**
 * Posts FeexPay's callback for final states, shaped like the deliveries FeexPay developers logged
 * (docs/feexpay.md "Webhook"): unsigned JSON, `phoneNumber` as a JSON number, `callback_info`
 * echoed, the operator's label in `reseau`. Retries on non-2xx, like FeexPay.
 */
import { reportedAmount } from './answers.ts';
import type { ResolvedOptions } from './options.ts';
import type { SimPayment, SimStore } from './store.ts';
import type { Timers } from './timers.ts';

export interface WebhookPayload {
  reference: string;
  order_id: string;
  status: 'SUCCESSFUL' | 'FAILED';
  amount: number;
  callback_info: string;
  first_name: string;
  last_name: string;
  email: string;
  type: 'Paiement';
  phoneNumber: number;
  date: string;
  reseau: string;
  ref_link: string;
  description: string;
  reason: string;
}

/** `date` is the transaction's creation time, as in FeexPay's deliveries (not the time of sending). */
export function webhookPayload(p: SimPayment): WebhookPayload {
  // Only SUCCESSFUL and FAILED were seen in deliveries: a cancellation travels as FAILED + reason.
  const cancelled = p.status === 'CANCELLED';
  return {
    reference: p.reference,
    order_id: p.reference,
    status: p.status === 'SUCCESSFUL' ? 'SUCCESSFUL' : 'FAILED',
    amount: reportedAmount(p),
    callback_info: p.callbackInfo,
    first_name: p.firstName,
    last_name: p.lastName,
    email: p.email,
    type: 'Paiement',
    phoneNumber: Number(p.phoneNumber),
    date: p.createdAt.toISOString(),
    reseau: p.label,
    ref_link: '',
    description: p.description,
    reason: cancelled ? 'CANCELLED' : p.reason,
  };
}

export interface WebhookLog {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

export class WebhookSender {
  private abort = new AbortController();

  constructor(
    private readonly opts: Pick<ResolvedOptions, 'webhookAttempts' | 'webhookRetryIntervalMs' | 'webhookTimeoutMs'>,
    private readonly url: () => string | undefined,
    private readonly store: SimStore,
    private readonly timers: Timers,
    private readonly log?: WebhookLog,
  ) {}

  /** Fire and forget: delivers `copies` times, each copy retried until 2xx or attempts run out. */
  send(p: SimPayment, copies = 1): void {
    void this.run(p, copies, this.abort.signal);
  }

  /** Stops retries and in-flight posts (reset, close). */
  stop(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  private async run(p: SimPayment, copies: number, signal: AbortSignal): Promise<void> {
    for (let copy = 0; copy < copies; copy += 1) {
      if (copy > 0 && !(await this.timers.sleep(this.opts.webhookRetryIntervalMs))) return;
      for (let attempt = 1; attempt <= this.opts.webhookAttempts; attempt += 1) {
        if (signal.aborted) return;
        if (attempt > 1 && !(await this.timers.sleep(this.opts.webhookRetryIntervalMs))) return;
        if (await this.post(p, signal)) break;
      }
    }
  }

  private async post(p: SimPayment, signal: AbortSignal): Promise<boolean> {
    const url = this.url();
    if (!url) {
      this.log?.warn({ reference: p.reference }, 'simulator: no webhook URL set, callback not sent');
      return true;
    }
    let delivered = false;
    let httpStatus: number | undefined;
    try {
      const res = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/json', 'user-agent': 'feexpay-simulator' },
        body: JSON.stringify(webhookPayload(p)),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.webhookTimeoutMs)]),
      });
      httpStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
      delivered = res.status >= 200 && res.status < 300;
    } catch {
      delivered = false;
    }
    if (signal.aborted) return true;
    this.store.countWebhook(p, delivered);
    const line = { reference: p.reference, status: p.status, httpStatus, delivered };
    if (delivered) this.log?.debug(line, 'simulator: webhook delivered');
    else this.log?.warn(line, 'simulator: webhook delivery failed');
    return delivered;
  }
}
