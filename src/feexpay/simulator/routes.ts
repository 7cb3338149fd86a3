/**
 * FeexPay's HTTP paths, as the simulator serves them: request-to-pay (the `integration` form with
 * the operator label in `reseau`, and the per-operator form), card init, fee preview and status
 * (current and legacy), behind FeexPay's key check and the simulator's outage switch. Bodies may
 * be JSON or form-encoded, as FeexPay accepts both.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isNetwork, NETWORKS, NETWORK_INFO, type Network } from '../../domain/networks.ts';
import type { SimAnswer, SimulatorEngine } from './engine.ts';
import { feePreviewAnswer } from './fees.ts';
import { acceptFormBodies, bodyOf, publicBase } from './request-body.ts';
import { payoutRoutes } from './payouts.ts';

const LEGACY_LABELS = new Map<string, Network>(NETWORKS.map((n) => [NETWORK_INFO[n].legacyLabel, n]));
const INTEGRATION_PATH = '/api/transactions/requesttopay/integration';

function send(reply: FastifyReply, answer: SimAnswer): FastifyReply {
  reply.code(answer.httpStatus);
  if (answer.text !== undefined) return reply.type('text/html; charset=utf-8').send(answer.text);
  return reply.type('application/json; charset=utf-8').send(answer.json);
}

function badGateway(reply: FastifyReply): FastifyReply {
  return reply.code(502).type('text/html; charset=utf-8').send('<html><body><h1>502 Bad Gateway</h1></body></html>');
}

export function feexpayRoutes(engine: SimulatorEngine) {
  return async function routes(app: FastifyInstance): Promise<void> {
    acceptFormBodies(app);
    const base = (request: FastifyRequest) => publicBase(request, app.prefix);

    app.addHook('onRequest', async (_request, reply) => {
      if (engine.downMode === 'off') return;
      if (engine.downMode === 'hang') await engine.hang();
      return reply.code(503).type('application/json; charset=utf-8').send({ message: 'Service Unavailable' });
    });

    // The Bearer header everywhere; on the legacy integration form also the key in the body as `token`.
    app.addHook('preHandler', async (request, reply) => {
      if (request.headers.authorization === `Bearer ${engine.apiKey}`) return;
      if (request.routeOptions.url?.endsWith(INTEGRATION_PATH) && bodyOf(request)?.token === engine.apiKey) return;
      return reply.code(401).send({ message: 'Unauthorized: invalid API key' });
    });

    app.post<{ Params: { op: string } }>('/api/transactions/public/requesttopay/:op', async (request, reply) => {
      const { op } = request.params;
      if (!isNetwork(op)) return reply.code(404).send({ message: `${op} channel not configured` });
      const body = bodyOf(request);
      if (!body) return reply.code(400).send({ message: 'JSON body required' });
      return send(reply, await engine.requestToPay(op, body, base(request), 'per_operator'));
    });

    // The operator travels as a label; FeexPay's gateway answers 502 to a label it does not know.
    app.post(INTEGRATION_PATH, async (request, reply) => {
      const body = bodyOf(request);
      const network = typeof body?.reseau === 'string' ? LEGACY_LABELS.get(body.reseau) : undefined;
      if (!body || !network) return badGateway(reply);
      return send(reply, await engine.requestToPay(network, body, base(request), 'integration'));
    });

    app.post('/api/transactions/public/initcard', async (request, reply) => {
      const body = bodyOf(request);
      if (!body) return reply.code(400).send({ message: 'JSON body required' });
      return send(reply, engine.initCard(body, base(request)));
    });

    app.post('/api/transactions/details', async (request, reply) => {
      const answer = feePreviewAnswer(bodyOf(request) ?? {});
      return answer === 'unknown_label' ? badGateway(reply) : send(reply, answer);
    });

    const status = async (request: FastifyRequest<{ Params: { reference: string } }>, reply: FastifyReply) => send(reply, engine.status(request.params.reference));
    app.get('/api/transactions/public/single/status/:reference', status);
    app.get('/api/transactions/getrequesttopay/integration/:reference', status);
    await app.register(payoutRoutes(engine.payouts, send));
  };
}
