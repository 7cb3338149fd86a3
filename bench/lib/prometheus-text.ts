/** Reading one sample out of Prometheus' text exposition (a service's /metrics), for the benchmark and the tests. */

/**
 * The value of `series`, written as the exposition writes it: the name, then its labels in
 * braces if it has any (`feexpay_db_batched_statement_rows_sum{statement="payment_claim"}`).
 * undefined when the exposition has no such sample.
 */
export function sampleValue(text: string, series: string): number | undefined {
  const prefix = `${series} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}
