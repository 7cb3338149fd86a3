/**
 * Snapshot of the synthesized manifests of both environments (stand-in monitoring inputs, so only
 * changes made in k8s/ show up here). A diff in review is a change to what gets deployed.
 * Update with: UPDATE_SNAPSHOTS=1 node --import tsx --test test/deploy/k8s-snapshot.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { ENV_NAMES, buildK8s } from '../../k8s/index.ts';
import { fixtureInputs } from './fixtures/inputs.ts';

const dir = new URL('./__snapshots__/', import.meta.url);
const update = process.env.UPDATE_SNAPSHOTS === '1';

for (const env of ENV_NAMES) {
  test(`k8s output for ${env} matches the committed snapshot`, () => {
    const files = buildK8s(fixtureInputs, { env, image: 'registry.example.com/feexpay-gateway:snapshot' });
    const text = Object.entries(files).map(([file, yaml]) => `######## ${file}\n${yaml}`).join('\n');
    const path = new URL(`k8s-${env}.yaml`, dir);
    if (update || !existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, text);
      if (!update) assert.fail(`snapshot ${path.pathname} was missing and has been written; commit it`);
      return;
    }
    assert.equal(text, readFileSync(path, 'utf8'), 'k8s output changed: review, then UPDATE_SNAPSHOTS=1');
  });
}
