/**
 * Snapshots of what the monitoring builders generate: the rule files, alertmanager.yml, every
 * dashboard, and a plain listing of each dashboard's PromQL (the JSON escapes newlines, the
 * listing shows a query change as a readable diff). A diff here in review is a change to what
 * pages and what people see. Generated with the default settings (no RUNBOOK_BASE_URL,
 * GRAFANA_BASE_URL, EXPORTER_JOB_* ... in the environment).
 * Update with: UPDATE_SNAPSHOTS=1 node --import tsx --test test/monitoring/snapshot.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { monitoringOutput } from '../../synth.ts';
import { dashboards, panels } from './collect.ts';

const dir = new URL('./__snapshots__/', import.meta.url);
const update = process.env.UPDATE_SNAPSHOTS === '1';

function promqlListing(): string {
  const lines: string[] = [];
  for (const [file, d] of dashboards()) {
    lines.push(`######## ${file}: ${d.title}`);
    for (const a of d.annotations?.list ?? []) if (a.expr) lines.push(`annotation "${a.name}":\n  ${a.expr}`);
    for (const v of d.templating.list) if (typeof v.query === 'string' && v.type === 'query') lines.push(`variable $${v.name}:\n  ${v.query}`);
    for (const p of panels(d)) {
      const steps = (p.fieldConfig?.defaults?.thresholds?.steps ?? []) as Array<{ value: number | null; color: string }>;
      const limits = steps.map((s) => `${s.value ?? '-inf'}:${s.color}`).join(' ');
      lines.push(`panel "${p.title}" (${p.type}, unit ${p.fieldConfig?.defaults?.unit ?? '-'}, thresholds ${limits || '-'})`);
      for (const t of p.targets ?? []) lines.push(`  ${t.refId}: ${(t.expr ?? t.rawSql ?? '').replace(/\n/g, '\n     ')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function snapshots(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(monitoringOutput())) {
    // Rule files, Alertmanager and dashboards; the promtool tests are generated from the same inputs.
    if (/^prometheus\/[^/]+-rules\.yml$|^alertmanager\/|^grafana\//.test(path)) out[path] = text;
  }
  out['grafana/promql.txt'] = promqlListing();
  return out;
}

for (const [path, text] of Object.entries(snapshots())) {
  test(`${path} matches the committed snapshot`, () => {
    const file = new URL(path, dir);
    if (update || !existsSync(file)) {
      mkdirSync(dirname(fileURLToPath(file)), { recursive: true });
      writeFileSync(file, text);
      if (!update) assert.fail(`snapshot ${path} was missing and has been written; commit it`);
      return;
    }
    assert.equal(text, readFileSync(file, 'utf8'), `${path} changed: review the diff, then UPDATE_SNAPSHOTS=1`);
  });
}

test('every snapshot file is still generated (none left behind by a rename)', () => {
  const expected = new Set(Object.keys(snapshots()));
  const walk = (d: URL, prefix: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(new URL(`${e.name}/`, d), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
  for (const f of walk(dir, '')) assert.ok(expected.has(f), `stale snapshot ${f}`);
});
