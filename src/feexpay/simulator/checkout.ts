/**
 * The pages a customer sees at `payment_url` (redirect networks) and at the card init's `data.url`:
 * the customer must pay or cancel there before anything settles, then goes back to the merchant's
 * `return_url` or `cancel_url`. Plain HTML forms, no script, so a headless browser drives them as a
 * person would. Outside /api: FeexPay's key is never asked of a customer.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorEngine } from './engine.ts';
import { acceptFormBodies } from './request-body.ts';
import type { SimPayment } from './store.ts';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action *")
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>` + `<body><main id="checkout">${body}</main></body></html>`);
}

const cardFields = `
  <label>Card number <input id="card-number" name="card_number" inputmode="numeric" pattern="[0-9 ]{12,23}" required></label>
  <label>Expiry <input id="card-expiry" name="expiry" placeholder="MM/YY" pattern="[0-9]{2}/[0-9]{2}" required></label>
  <label>CVC <input id="card-cvc" name="cvc" inputmode="numeric" pattern="[0-9]{3,4}" required></label>`;

function checkoutBody(p: SimPayment, action: (what: string) => string): string {
  const what = p.network === 'card' ? `${p.label} card` : p.label;
  const summary = `<h1>Pay ${p.amount} with ${escape(what)}</h1><p id="state" data-status="${p.status}">${p.status}</p>`;
  if (!p.awaitingCustomer) return `${summary}<p>This payment is no longer waiting for you.</p>`;
  return `${summary}
  <form id="pay-form" method="post" action="${action('pay')}">${p.network === 'card' ? cardFields : ''}
    <button id="pay" type="submit">Pay</button>
  </form>
  <form id="cancel-form" method="post" action="${action('cancel')}"><button id="cancel" type="submit">Cancel</button></form>`;
}

export function checkoutRoutes(engine: SimulatorEngine) {
  return async function routes(app: FastifyInstance): Promise<void> {
    acceptFormBodies(app);
    const missing = (reply: FastifyReply) => page(reply, 404, 'Not found', '<h1>No such payment</h1>');

    app.get<{ Params: { reference: string } }>('/checkout/:reference', async (request, reply) => {
      const p = engine.checkout(request.params.reference);
      if (!p) return missing(reply);
      const action = (what: string) => `${app.prefix}/checkout/${encodeURIComponent(p.reference)}/${what}`;
      return page(reply, 200, 'FeexPay checkout', checkoutBody(p, action));
    });

    for (const act of ['pay', 'cancel'] as const) {
      app.post<{ Params: { reference: string } }>(`/checkout/:reference/${act}`, async (request, reply) => {
        const p = engine.checkout(request.params.reference);
        if (!p) return missing(reply);
        const outcome = engine.customerActs(p.reference, act);
        if (outcome.kind === 'not_waiting') return page(reply, 409, 'Already processed', '<h1>This payment is no longer waiting for you</h1>');
        // Only an absolute http(s) URL is followed; else the customer stays on a plain page.
        if (URL.canParse(outcome.backTo) && /^https?:$/.test(new URL(outcome.backTo).protocol)) return reply.redirect(outcome.backTo, 303);
        return page(reply, 200, act === 'pay' ? 'Payment sent' : 'Payment cancelled', `<h1 id="done">${act === 'pay' ? 'Payment sent' : 'Payment cancelled'}</h1>`);
      });
    }
  };
}
