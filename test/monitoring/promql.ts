/**
 * PromQL read with Prometheus's own grammar (@prometheus-io/lezer-promql): syntax errors, the
 * metric names a query reads, and how each series selector is consumed (inside which function,
 * over which range).
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** Grafana's range variables become unmistakable durations so the parser accepts them. */
const GRAFANA_RANGES: Record<string, string> = { $__rate_interval: '4242s', $__range: '4343s', $__interval: '4444s' };
export const RATE_INTERVAL_STANDIN = GRAFANA_RANGES.$__rate_interval!;

export interface SelectorUse {
  name: string;
  /** Label names in the selector's matchers. */
  labels: string[];
  /** Function directly consuming the selector (`rate`, `increase`...), or null for a bare use. */
  fn: string | null;
  /** The `[range]` text when used as a range vector. */
  range: string | null;
}

export interface Parsed {
  errors: number[];
  selectors: SelectorUse[];
}

export function substituteGrafana(expr: string): string {
  return expr.replace(/\$__(rate_interval|range|interval)\b/g, (m) => GRAFANA_RANGES[m]!);
}

function text(expr: string, n: SyntaxNode): string {
  return expr.slice(n.from, n.to);
}

function use(expr: string, vs: SyntaxNode): SelectorUse {
  const id = vs.getChild('Identifier');
  const labels: string[] = [];
  let name = id ? text(expr, id) : '';
  const matchers = vs.getChild('LabelMatchers');
  for (let m = matchers?.firstChild ?? null; m; m = m.nextSibling) {
    const ln = m.getChild('LabelName');
    if (!ln) continue;
    const label = text(expr, ln);
    labels.push(label);
    if (label === '__name__') name = JSON.parse(text(expr, m.getChild('StringLiteral')!)) as string;
  }
  let range: string | null = null;
  let outer: SyntaxNode | null = vs.parent;
  if (outer?.name === 'MatrixSelector') {
    const t = text(expr, outer);
    range = t.slice(t.lastIndexOf('[') + 1, t.lastIndexOf(']'));
    outer = outer.parent;
  }
  // Parentheses do not change who consumes the selector.
  while (outer?.name === 'ParenExpr') outer = outer.parent;
  let fn: string | null = null;
  if (outer?.name === 'FunctionCallBody') {
    const ident = outer.parent?.getChild('FunctionIdentifier');
    fn = ident ? text(expr, ident) : null;
  }
  return { name, labels, fn, range };
}

export function parsePromql(raw: string): Parsed {
  const expr = substituteGrafana(raw);
  const tree = parser.parse(expr);
  const errors: number[] = [];
  const selectors: SelectorUse[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(n.from);
      if (n.name === 'VectorSelector') selectors.push(use(expr, n.node));
    },
  });
  return { errors, selectors };
}
