/**
 * Snapshots of the synthesized manifests: both environments as shipped, and production with every
 * option on (CronJobs, shared log volume, Ingress, Certificate, internal route, priority class). Stand-in monitoring inputs, so only changes made in
 * k8s/ show up here. A diff in review is a change to what gets deployed.
 * Update with: UPDATE_SNAPSHOTS=1 node --import tsx --test test/deploy/k8s-snapshot.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderK8s, type EnvSettings } from '../../k8s/index.ts';
import { fixtureInputs } from './fixtures/inputs.ts';
import { rootWithCronScripts, shipped, withAllOptions } from './helpers.ts';

const dir = new URL('./__snapshots__/', import.meta.url);
const update = process.env.UPDATE_SNAPSHOTS === '1';
const variants: [string, EnvSettings][] = [
  ['staging', shipped('staging')],
  ['production', shipped('production')],
  ['production-all-options', withAllOptions('production')],
];
const root = rootWithCronScripts();

for (const [name, settings] of variants) {
  test(`k8s output "${name}" matches the committed snapshot`, () => {
    const files = renderK8s(settings, fixtureInputs, root);
    const text = Object.entries(files)
      .map(([file, yaml]) => `######## ${file}\n${yaml}`)
      .join('\n');
    const path = new URL(`k8s-${name}.yaml`, dir);
    if (update || !existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, text);
      if (!update) assert.fail(`snapshot ${path.pathname} was missing and has been written; commit it`);
      return;
    }
    assert.equal(text, readFileSync(path, 'utf8'), 'k8s output changed: review, then UPDATE_SNAPSHOTS=1');
  });
}
