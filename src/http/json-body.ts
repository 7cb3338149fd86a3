/**
 * JSON bodies read strictly: UTF-8 only, and only valid UTF-8. Fastify's own parser decodes the
 * bytes with replacement characters and ignores the declared charset, so `ab\xff\xfecd` was
 * stored as "ab\uFFFD\uFFFDcd" and a body declared latin1 or UTF-16 was read as UTF-8: text the
 * merchant never sent. Another declared charset is accepted only where it cannot change the
 * text (ASCII bytes in an ASCII-compatible charset). The JSON itself is still parsed by
 * Fastify's parser (prototype-poisoning keys refused); a key given twice and a number with a
 * fraction or an exponent are refused after it (json-scan.ts says why).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../plugins/app/errors.ts';
import { scanJson } from './json-scan.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * false on a route whose bodies another system writes (FeexPay's callback, whose amount may
     * carry a fraction): read as JSON.parse reads them, without json-scan.ts's refusals.
     */
    strictJson?: boolean;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
// A body of ASCII bytes reads the same in these: a sender declaring one (a FeexPay callback
// labelled latin1, say) means what UTF-8 means, so it is not refused for the label alone.
const ASCII_COMPATIBLE = /^(us-ascii|ascii|latin1|iso-8859-\d{1,2}|windows-125\d)$/;
const isAscii = (b: Buffer) => b.every((byte) => byte < 0x80);

export function acceptStrictJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    const bytes = body as Buffer;
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && !(ASCII_COMPATIBLE.test(charset) && isAscii(bytes))) {
      done(new ApiError(415, 'unsupported_media_type', `The body must be UTF-8 JSON; charset=${charset.slice(0, 40)} is not accepted.`), undefined);
      return;
    }
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      done(new ApiError(400, 'invalid_json', 'The body is not valid UTF-8.', {}, 'body'), undefined);
      return;
    }
    const strict = request.routeOptions.config.strictJson !== false;
    void parseJson(request, text, (err, value) => {
      const problem = err || !strict ? null : scanJson(text);
      if (problem?.kind === 'duplicate_key') done(new ApiError(400, 'invalid_json', `${problem.param} is given twice.`, {}, problem.param), undefined);
      else if (problem)
        done(new ApiError(400, 'validation_failed', `${problem.param} must be an integer written as one (no fraction, no exponent).`, {}, problem.param), undefined);
      else done(err, value);
    });
  });
}
