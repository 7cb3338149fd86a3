/**
 * Form-encoded bodies (`application/x-www-form-urlencoded`) as plain objects of strings, for the
 * contexts that take HTML forms or FeexPay's form-encoded requests. Registered per encapsulated
 * context, so the merchant API keeps refusing anything but JSON.
 */
import type { FastifyInstance } from 'fastify';

export type FormFields = Record<string, unknown>;

export function acceptFormBodies(app: FastifyInstance, transform: (fields: FormFields) => FormFields = (f) => f): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, transform(Object.fromEntries(new URLSearchParams(body as string))));
  });
}
