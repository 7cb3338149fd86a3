/**
 * Every PromQL expression we generate (rules, dashboard targets, variable queries) parses with
 * Prometheus's grammar, reads only series the catalog or our recording rules define, uses only
 * labels those series carry, and reads counters through rate()/increase().
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HEARTBEAT_ALERT } from '../../alerts/index.ts';
import { catalog, knownSeriesNames, type MetricDef } from '../../src/metrics/catalog.ts';
import { dashboardExprs, recordedNames, ruleExprs } from './collect.ts';
import { parsePromql, RATE_INTERVAL_STANDIN } from './promql.ts';

const exprs = [...ruleExprs(), ...dashboardExprs()];
const known = new Set([...knownSeriesNames(), ...recordedNames()]);

/** Series name -> its catalog definition, histogram children included. */
const defs = new Map<string, MetricDef>();
for (const m of Object.values(catalog) as MetricDef[]) {
  defs.set(m.name, m);
  if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) defs.set(m.name + s, m);
}

/** Labels Prometheus or the scrape adds to every series. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', '__name__']);
const COUNTER_READERS = new Set(['rate', 'irate', 'increase']);

function isCounterSeries(name: string): boolean {
  const d = defs.get(name);
  if (!d) return false;
  // A histogram's _bucket, _count and _sum series are all counters.
  return d.type === 'counter' || (d.type === 'histogram' && name !== d.name);
}

describe('PromQL', () => {
  test('there is something to check', () => {
    assert.ok(ruleExprs().length > 30);
    assert.ok(dashboardExprs().length > 40);
  });

  for (const e of exprs) {
    test(`${e.origin}: ${e.where}`, () => {
      const { errors, selectors } = parsePromql(e.expr);
      assert.deepEqual(errors, [], `syntax error in ${e.expr}`);
      // The heartbeat alone reads nothing: only a dead pipeline may stop it (vector(1)).
      if (e.expr === 'vector(1)') assert.match(e.where, new RegExp(HEARTBEAT_ALERT));
      else assert.ok(selectors.length > 0, 'reads at least one series');
      for (const s of selectors) {
        assert.ok(known.has(s.name), `unknown series "${s.name}" (not in the catalog nor a recording rule) in ${e.expr}`);
        const d = defs.get(s.name);
        if (d) {
          const allowed = new Set([...Object.keys(d.labels), ...TARGET_LABELS, ...(s.name.endsWith('_bucket') ? ['le'] : [])]);
          for (const l of s.labels) assert.ok(allowed.has(l), `${s.name} has no label "${l}" in the catalog`);
        }
        if (isCounterSeries(s.name)) {
          assert.ok(s.fn && COUNTER_READERS.has(s.fn), `counter ${s.name} must be read with rate()/increase(), got ${s.fn ?? 'bare'}`);
        }
        if (e.origin === 'dashboard' && (s.fn === 'rate' || s.fn === 'irate')) {
          assert.equal(s.range, RATE_INTERVAL_STANDIN, `${s.fn}(${s.name}) must use [$__rate_interval]`);
        }
      }
    });
  }

  test('the checker itself rejects what it should', () => {
    assert.notDeepEqual(parsePromql('sum(rate(up[5m])').errors, []);
    const bare = parsePromql('feexpay_payments_finished_total');
    assert.equal(bare.selectors[0]?.fn, null);
    assert.ok(isCounterSeries('feexpay_payments_finished_total'));
    assert.ok(isCounterSeries('http_request_duration_seconds_bucket'));
    assert.ok(isCounterSeries('http_request_duration_seconds_count'));
    assert.ok(!isCounterSeries('feexpay_payments_pending'));
    assert.ok(!known.has('feexpay_payments_total'));
  });
});
