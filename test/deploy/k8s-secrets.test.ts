/** No Secret object and nothing that looks like a credential anywhere in the output. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allOutputs, containersOf, podTemplates, SECRET_PATTERNS, strings } from './helpers.ts';

const outputs = allOutputs();

const SECRET_NAME = /(PASSWORD|TOKEN|SECRET|API_KEY|DSN|WEBHOOK_URL)$|^(DATABASE_URL|REDIS_URL|SMTP_URL)$/;

test('the output holds no Secret object', () => {
  for (const out of outputs) {
    assert.deepEqual(
      out.objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name),
      [],
      out.label,
    );
  }
});

test('no string in any manifest looks like a credential', () => {
  let scanned = 0;
  for (const out of outputs) {
    for (const o of out.objects) {
      for (const [path, value] of strings(o)) {
        scanned++;
        for (const [what, re] of SECRET_PATTERNS) assert.ok(!re.test(value), `${out.label} ${o.kind}/${o.metadata.name}${path}: ${what}`);
      }
    }
  }
  assert.ok(scanned > 500, `${scanned}`);
});

test('the patterns catch what they are meant to catch', () => {
  const samples = [`fp_${'a1'.repeat(32)}`, 'postgres://app:hunter2@db:5432/pay', 'https://hooks.slack.com/services/T000/B000/abcdefXYZ'];
  for (const s of samples)
    assert.ok(
      SECRET_PATTERNS.some(([, re]) => re.test(s)),
      s,
    );
});

test('secret-named variables come from the Secret, never from a literal or the ConfigMap', () => {
  for (const out of outputs) {
    for (const t of podTemplates(out.objects)) {
      for (const c of containersOf(t.spec)) {
        for (const e of c.env ?? []) {
          if (SECRET_NAME.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef && e.value === undefined, `${out.label} ${c.name} ${e.name}`);
        }
      }
    }
    for (const cm of out.objects.filter((o) => o.kind === 'ConfigMap' && !o.metadata.labels?.grafana_dashboard)) {
      for (const key of Object.keys((cm as any).data)) assert.ok(!SECRET_NAME.test(key), `${out.label}: ${key} in ConfigMap`);
    }
  }
});
