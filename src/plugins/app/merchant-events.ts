/**
 * Merchant events as `fastify.merchantEvents`: endpoint and event stores for the routes, and the
 * delivery worker, started in every replica once the server listens and stopped before the
 * database closes (attempts in flight finish and are recorded).
 */
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { createDeliveryQueue } from '../../events/delivery-queue.ts';
import { createEndpointRepository, type EndpointRepository } from '../../events/endpoints.ts';
import { createEventRepository, type EventRepository } from '../../events/events.ts';
import { createSender } from '../../events/http-attempt.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../events/worker.ts';

declare module 'fastify' {
  interface FastifyInstance {
    merchantEvents: {
      endpoints: EndpointRepository;
      events: EventRepository;
      worker: DeliveryWorker;
      settings: Config['merchantEvents'];
    };
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const settings = config.merchantEvents;
    // Sockets per host up to the worker's whole concurrency: endpoints of different merchants on
    // one host (a shared platform) must not queue behind each other in the agent's pool.
    const worker = createDeliveryWorker({
      queue: createDeliveryQueue(app.db, settings.retryScheduleSeconds),
      sender: createSender({ timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivate }, settings.concurrency),
      settings,
      metrics: app.serviceMetrics,
      log: app.log.child({ component: 'merchant_events' }),
      onEndpointDisabled: (e) => app.alerting.merchantEndpointDisabled(e),
      onFailure: (err) => app.alerting.merchantEventsFailure(err),
    });
    app.decorate('merchantEvents', {
      endpoints: createEndpointRepository(app.db),
      events: createEventRepository(app.db),
      worker,
      settings,
    });
    if (settings.workerEnabled) app.addHook('onListen', async () => worker.start());
    app.onDrain(() => worker.stop());
  },
  { name: 'merchant-events', dependencies: ['db', 'metrics', 'alerting', 'drain'] },
);
