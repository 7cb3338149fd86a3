/**
 * What JSON.parse lets through and a payment API must not take:
 * - a key given twice in one object: JSON.parse keeps the last, other readers the first, so a
 *   proxy, a signature check and this service could each read another amount;
 * - a number written with a fraction or an exponent: JSON.parse rounds it (99.99999999999999999
 *   reads as 100, an integer the client never wrote), and every number this API takes is an
 *   integer.
 * The text is valid JSON already (JSON.parse said so): this walk only follows strings, keys and
 * nesting, to name the field at fault.
 */
export interface JsonScanProblem {
  kind: 'duplicate_key' | 'not_an_integer';
  /** Where, as `body.metadata.order_id` or `body.items[2]`. */
  param: string;
}

type Frame = { keys: Set<string>; key: string | null; expectKey: boolean } | { index: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function pathOf(stack: Frame[]): string {
  let path = 'body';
  for (const frame of stack) path += 'index' in frame ? `[${frame.index}]` : frame.key === null ? '' : `.${frame.key}`;
  return path.length > 120 ? path.slice(0, 120) : path;
}

/** The first problem in document order, or null. */
export function scanJson(text: string): JsonScanProblem | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === BACKSLASH) {
          escaped = true;
          end++;
        } else if (d === QUOTE) break;
      }
      const top = stack.at(-1);
      if (top && 'keys' in top && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.key = key;
        top.expectKey = false;
        if (top.keys.has(key)) return { kind: 'duplicate_key', param: pathOf(stack) };
        top.keys.add(key);
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), key: null, expectKey: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top && 'index' in top) top.index++;
      else if (top) top.expectKey = true;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      let integral = true;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === 0x2e /* . */ || d === 0x65 /* e */ || d === 0x45 /* E */) integral = false;
        else if (!(d >= 0x30 && d <= 0x39) && d !== 0x2b /* + */ && d !== 0x2d) break;
      }
      if (!integral) return { kind: 'not_an_integer', param: pathOf(stack) };
      i = end - 1;
    }
  }
  return null;
}
