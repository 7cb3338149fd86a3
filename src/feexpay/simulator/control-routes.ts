/**
 * /_simulator/*: the control API for tests and demos, outside FeexPay's namespace so it can never
 * be mistaken for a FeexPay path. Same operations as SimulatorControl.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorEngine } from './engine.ts';
import type { DownMode } from './options.ts';
import type { FinalStatus } from './scenarios.ts';
import { payoutControlRoutes } from './payouts.ts';

const FINAL: readonly FinalStatus[] = ['SUCCESSFUL', 'FAILED', 'CANCELLED'];
const MODES: readonly DownMode[] = ['off', '503', 'hang'];

function invalid(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: 'invalid_request', message } });
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: { code: 'payment_not_found', message: 'no such simulated payment' } });
}

type Body = Record<string, unknown> | undefined;

/** The peer of the TCP connection itself: X-Forwarded-For, which a client writes, is not read. */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

export function controlRoutes(engine: SimulatorEngine, opts: { fromNetwork: boolean } = { fromNetwork: false }) {
  return async function routes(app: FastifyInstance): Promise<void> {
    if (!opts.fromNetwork) {
      // As if the routes did not exist: a network client learns nothing about the simulator.
      app.addHook('onRequest', async (request, reply) => {
        if (!isLoopback(request.socket.remoteAddress)) {
          return reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
        }
      });
    }
    app.get('/_simulator/counters', async () => engine.counters());

    app.get<{ Querystring: { callback_info?: string } }>('/_simulator/payments', async (request, reply) => {
      const info = request.query.callback_info;
      if (typeof info !== 'string') return invalid(reply, 'callback_info query parameter required');
      return engine.byCallbackInfo(info);
    });

    app.get<{ Params: { reference: string } }>('/_simulator/payments/:reference', async (request, reply) => {
      return engine.payment(request.params.reference) ?? notFound(reply);
    });

    app.post<{ Params: { reference: string }; Body: Body }>('/_simulator/payments/:reference/status', async (request, reply) => {
      const status = request.body?.status;
      const reason = request.body?.reason ?? '';
      const webhook = request.body?.webhook ?? true;
      if (!FINAL.includes(status as FinalStatus)) return invalid(reply, `status must be one of ${FINAL.join(', ')}`);
      if (typeof reason !== 'string' || typeof webhook !== 'boolean') return invalid(reply, 'reason: string, webhook: boolean');
      if (!engine.forceStatus(request.params.reference, status as FinalStatus, reason, { webhook })) return notFound(reply);
      return engine.payment(request.params.reference);
    });

    app.post<{ Params: { reference: string } }>('/_simulator/payments/:reference/webhook', async (request, reply) => {
      if (!engine.resendWebhook(request.params.reference)) return notFound(reply);
      return reply.code(202).send({ resent: true });
    });

    app.post<{ Body: Body }>('/_simulator/settle-delay', async (request, reply) => {
      const ms = request.body?.ms;
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) return invalid(reply, 'ms must be a non-negative integer');
      engine.setSettleDelay(ms);
      return { settleDelayMs: ms };
    });

    app.post<{ Body: Body }>('/_simulator/webhook-url', async (request, reply) => {
      const url = request.body?.url;
      if (url !== null && (typeof url !== 'string' || !URL.canParse(url))) return invalid(reply, 'url must be an absolute URL or null');
      engine.setWebhookUrl(url ?? undefined);
      return { webhookUrl: url };
    });

    app.post<{ Body: Body }>('/_simulator/down', async (request, reply) => {
      const mode = request.body?.mode;
      if (!MODES.includes(mode as DownMode)) return invalid(reply, `mode must be one of ${MODES.join(', ')}`);
      engine.setDownMode(mode as DownMode);
      return { mode };
    });

    await app.register(payoutControlRoutes(engine.payouts));

    app.post('/_simulator/reset', async () => {
      engine.reset();
      return { reset: true };
    });
  };
}
