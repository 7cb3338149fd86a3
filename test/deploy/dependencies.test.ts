/**
 * `npm ci --omit=dev` (the image's deps stage) holds what the service runs and nothing else: every
 * package src/ imports is a production dependency, and every production dependency is one src/
 * uses (imported, resolved, or named as a pino transport) or a peer of one that is. Synth-only
 * packages (cdk8s, the models, the Grafana SDK, yaml) stay development dependencies.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const deps = new Set(Object.keys(pkg.dependencies));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}
const sources = files('src').map((f) => ({ f, text: readFileSync(f, 'utf8') }));

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const builtin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

/** Bare specifiers of static and dynamic imports. */
function imports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]([^'"./][^'"]*)['"]/gm)) out.push(m[1]!);
  return out.filter((s) => !builtin(s)).map(packageOf);
}

test('every package src/ imports is a production dependency', () => {
  const missing = new Set<string>();
  const seen = new Set<string>();
  for (const { f, text } of sources) {
    for (const p of imports(text)) {
      seen.add(p);
      if (!deps.has(p)) missing.add(`${p} (${f})`);
    }
  }
  assert.deepEqual([...missing], []);
  assert.ok(seen.has('fastify') && seen.has('knex') && seen.size >= 15, `found ${[...seen].join(', ')}`);
});

test('every production dependency is used by src/ or is a peer of one that is', () => {
  const named = (name: string) => sources.some(({ text }) => new RegExp(`['"]${name.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]`).test(text));
  const used = [...deps].filter(named);
  const peers = new Set(
    used.flatMap((d) => Object.keys((JSON.parse(readFileSync(join('node_modules', d, 'package.json'), 'utf8')) as { peerDependencies?: object }).peerDependencies ?? {})),
  );
  const unused = [...deps].filter((d) => !used.includes(d) && !peers.has(d));
  assert.deepEqual(unused, [], 'ship nothing the service does not run');
});

test('synth-only packages are development dependencies', () => {
  for (const name of ['cdk8s', 'constructs', '@grafana/grafana-foundation-sdk', 'yaml', 'kubernetes-models', '@kubernetes-models/gateway-api', '@kubernetes-models/cert-manager']) {
    assert.equal(pkg.dependencies[name], undefined, `${name} is synth's, not the service's`);
    assert.ok(pkg.devDependencies[name], name);
  }
  assert.equal(pkg.dependencies['cdk8s-plus-31'] ?? pkg.devDependencies['cdk8s-plus-31'], undefined, 'imported nowhere');
});
