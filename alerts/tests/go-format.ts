/**
 * Renders alert description templates the way Prometheus 2.x does, for the values a unit test
 * expects. promtool compares annotations exactly, so the expected text must match Go's formatting.
 * Only the template forms our rules use are supported; anything else throws.
 */

/** Go's `%.4g` for the magnitudes alerts deal in. */
export function goG4(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  const abs = Math.abs(v);
  if (abs < 1e-4 || abs >= 1e4) throw new Error(`goG4: ${v} would use Go's exponent form; pick a test value in range`);
  const fixed = v.toPrecision(4);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

export function humanizePercentage(v: number): string {
  return `${goG4(v * 100)}%`;
}

export function humanizeDuration(v: number): string {
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const whole = Math.trunc(Math.abs(v));
    const [d, h, m, s] = [Math.trunc(whole / 86400), Math.trunc(whole / 3600) % 24, Math.trunc(whole / 60) % 60, whole % 60];
    if (d) return `${sign}${d}d ${h}h ${m}m ${s}s`;
    if (h) return `${sign}${h}h ${m}m ${s}s`;
    if (m) return `${sign}${m}m ${s}s`;
    return `${sign}${goG4(Math.abs(v))}s`;
  }
  let prefix = '';
  let x = v;
  for (const p of ['m', 'u', 'n', 'p']) {
    if (Math.abs(x) >= 1) break;
    prefix = p;
    x *= 1000;
  }
  return `${goG4(x)}${prefix}s`;
}

/** Go's `%v` of a float64 for the plain numbers tests use. */
function goValue(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  return String(v);
}

const PIPES: Record<string, (v: number) => string> = {
  humanizePercentage,
  humanizeDuration,
  'printf "%.0f"': (v) => v.toFixed(0),
  'printf "%.1f"': (v) => v.toFixed(1),
};

export function renderDescription(template: string, labels: Record<string, string>, value: number): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    const label = /^\$labels\.(\w+)$/.exec(expr);
    if (label) return labels[label[1]!] ?? '';
    if (expr === '$value') return goValue(value);
    const pipe = /^\$value \| (.+)$/.exec(expr);
    const fn = pipe ? PIPES[pipe[1]!] : undefined;
    if (!fn) throw new Error(`renderDescription: unsupported template {{ ${expr} }}`);
    return fn(value);
  });
}
