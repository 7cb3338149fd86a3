/**
 * `npm run synth` as CI runs it: it writes the expected files, prints what it wrote, and a second
 * run produces the same bytes (compared over the dist/ directories this stack owns).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { monitoringOutput } from '../../synth.ts';
import { exec } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OURS = ['grafana', 'prometheus', 'alertmanager'];

function digest(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(join(ROOT, 'dist'), p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  for (const d of OURS) walk(join(ROOT, 'dist', d));
  return out;
}

describe('synth', () => {
  test('builders are deterministic', () => {
    assert.deepEqual(monitoringOutput(), monitoringOutput());
  });

  test('npm run synth twice writes identical bytes and reports every file', async () => {
    const first = await exec(process.execPath, ['--import', 'tsx', 'synth.ts'], { cwd: ROOT });
    const a = digest();
    await exec(process.execPath, ['--import', 'tsx', 'synth.ts'], { cwd: ROOT });
    const b = digest();
    assert.deepEqual(b, a);
    for (const f of [
      'grafana/feexpay-payments.json',
      'grafana/feexpay-api.json',
      'grafana/feexpay-infrastructure.json',
      'prometheus/recording-rules.yml',
      'prometheus/alerting-rules.yml',
      'prometheus/prometheus.yml',
      'alertmanager/alertmanager.yml',
    ]) {
      assert.ok(a[f], `wrote dist/${f}`);
      assert.ok(first.stdout.includes(`dist/${f}`), `summary names dist/${f}`);
    }
  });

  test('no timestamps or absolute paths leak into the output', () => {
    for (const [path, text] of Object.entries(monitoringOutput())) {
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, `${path} has a timestamp`);
      assert.ok(!text.includes(ROOT), `${path} has an absolute path`);
    }
  });
});
