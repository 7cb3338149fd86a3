/**
 * How the simulator reads a request body: JSON, or form-encoded as FeexPay's PHP SDK sends it
 * (docs/feexpay.md "Which collection path"). A form carries only strings: its `amount`, when
 * all digits, is read as the number it stands for (a JSON string amount is still refused).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptFormBodies as acceptForms } from '../../http/form-body.ts';

/** Registers the form parser on `app` (encapsulated: the host's parsers are untouched). */
export function acceptFormBodies(app: FastifyInstance): void {
  acceptForms(app, (fields) => {
    if (typeof fields.amount === 'string' && /^\d{1,15}$/.test(fields.amount)) return { ...fields, amount: Number(fields.amount) };
    return fields;
  });
}

export function bodyOf(request: FastifyRequest): Record<string, unknown> | undefined {
  const b = request.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined;
}

/** A safe integer; undefined otherwise. */
export function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

export function text(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** The base URL the caller reached the simulator at, with its mount prefix: pages are served under it. */
export function publicBase(request: FastifyRequest, prefix: string): string {
  return `${request.protocol}://${request.host}${prefix}`;
}
