/**
 * The image recipe, checked as text (no Docker engine here): stages, base, user, health check,
 * command. The runtime stage runs what `npm run build` compiles, with production dependencies only.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RUN_AS } from '../../k8s/pod.ts';
import { nodeCommandFiles, sourceOf } from './helpers.ts';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const lines = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Instructions per stage, by the stage's name. */
const stages = new Map<string, string[]>();
let current: string[] | undefined;
for (const l of lines) {
  const from = /^FROM \S+ AS (\w+)$/.exec(l);
  if (from) stages.set(from[1]!, (current = []));
  else current?.push(l);
}
const stage = (name: string) => {
  const s = stages.get(name);
  assert.ok(s, `no stage ${name}`);
  return s;
};
const jsonArgs = (instrs: string[], instr: string) => JSON.parse(instrs.find((l) => l.startsWith(`${instr} `))!.slice(instr.length + 1)) as string[];

test('three stages (build, deps, runtime), each on the Node line of .nvmrc on Debian trixie slim', () => {
  const major = readFileSync('.nvmrc', 'utf8').trim();
  const arg = lines.find((l) => l.startsWith('ARG NODE_IMAGE='))!;
  // An exact version (a moving `24-slim` tag would change the image under the same Dockerfile),
  // optionally pinned by digest.
  assert.match(arg, new RegExp(`^ARG NODE_IMAGE=node:${major}\\.\\d+\\.\\d+-trixie-slim(@sha256:[0-9a-f]{64})?$`));
  const froms = lines.filter((l) => l.startsWith('FROM '));
  assert.equal(froms.length, 3, 'multi-stage: build, deps and runtime');
  for (const f of froms) assert.match(f, /^FROM \$\{NODE_IMAGE\} AS \w+$/);
  assert.deepEqual([...stages.keys()], ['build', 'deps', 'runtime'], 'the last stage is the image');
});

test('the Node line is declared once: .nvmrc, within engines, and 20 (end of life) refused', () => {
  const major = Number(readFileSync('.nvmrc', 'utf8').trim());
  const engines = (pkg as unknown as { engines: { node: string } }).engines.node;
  const lines = engines.split('||').map((r) => r.trim());
  const allows = (m: number) =>
    lines.some((r) => (r.startsWith('^') ? Number(r.slice(1).split('.')[0]) === m : r.startsWith('>=') ? m >= Number(r.slice(2).split('.')[0]) : false));
  assert.ok(allows(major), `engines "${engines}" must allow Node ${major}`);
  assert.ok(!allows(20), `engines "${engines}" must not allow Node 20`);
  for (const lts of [22, 24, 26]) assert.ok(allows(lts), `engines "${engines}" must allow the LTS line ${lts}`);
  const ci = readFileSync('.ci/run', 'utf8');
  assert.match(ci, /npm install --prefix \S+ .*"node@\$NODE_MAJOR"/, 'CI installs the Node of .nvmrc itself');
  assert.match(ci, /NODE_MAJOR=\$\(tr -d ' \\n' < \.nvmrc\)/);
});

test('the build stage installs every dependency and runs npm run build', () => {
  const build = stage('build');
  const ci = build.filter((l) => /\bnpm ci\b/.test(l));
  assert.equal(ci.length, 1);
  assert.doesNotMatch(ci[0]!, /--omit=dev|--production/, 'the bundler is a development dependency');
  assert.ok(build.some((l) => /^RUN .*\bnpm run build\b/.test(l)));
  assert.equal(pkg.scripts.build, 'tsx bundle/build.ts');
  const copied = build.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(/\s+/).slice(1, -1));
  for (const need of ['package.json', 'package-lock.json', 'tsconfig.json', 'bundle', 'src']) {
    assert.ok(copied.includes(need), `the build stage needs ${need}`);
  }
});

test('production dependencies only, from the lockfile; tsx and TypeScript are not among them', () => {
  assert.ok(stage('deps').some((l) => /^RUN .*\bnpm ci --omit=dev\b/.test(l)));
  assert.doesNotMatch(dockerfile, /COPY \. /, 'never copy the whole context');
  assert.doesNotMatch(dockerfile, /esbuild/, 'nothing at run time transpiles, so nothing to smoke-test');
  for (const dev of ['tsx', 'typescript', 'esbuild']) {
    assert.equal(pkg.dependencies[dev], undefined, `${dev} must not be a production dependency`);
    assert.ok(pkg.devDependencies[dev], `${dev} is a development dependency`);
  }
});

test('the runtime stage gets node_modules from deps and build/ from build, and no source', () => {
  const runtime = stage('runtime');
  const copies = runtime.filter((l) => l.startsWith('COPY '));
  assert.ok(copies.includes('COPY --from=deps /app/node_modules ./node_modules'), 'production node_modules');
  assert.ok(copies.includes('COPY --from=build /app/build ./build'), 'the compiled build/');
  assert.ok(
    copies.some((l) => /^COPY (\S+ )*package\.json (\S+ )*\.\/$/.test(l)),
    'package.json: "type": "module" makes build/*.js ESM',
  );
  for (const c of copies) {
    assert.doesNotMatch(c, /\bsrc\b|tsconfig/, `${c}: no TypeScript in the image`);
    assert.doesNotMatch(c, /--from=build \S*node_modules/, `${c}: the build stage's node_modules hold development dependencies`);
  }
  assert.ok(!runtime.some((l) => /\btsx\b|\bnpm (ci|install|run)\b/.test(l)), 'nothing installs or builds at run time');
});

test('runs as a non-root numeric user (uid >= 10000) with a node-based health check', () => {
  const users = stage('runtime').filter((l) => l.startsWith('USER '));
  const [uid, gid] = /^USER (\d+):(\d+)$/.exec(users.at(-1)!)!.slice(1).map(Number);
  // Above host users' range (kube-score, Polaris): the same uid the pods declare.
  assert.ok(uid! >= 10000 && gid! >= 10000, users.at(-1));
  assert.deepEqual([uid, gid], [RUN_AS, RUN_AS], "the pods declare the image's user (runAsUser, fsGroup)");
  const health = stage('runtime').find((l) => l.startsWith('HEALTHCHECK'))!;
  const cmd = JSON.parse(health.slice(health.indexOf(' CMD ') + 5)) as string[];
  assert.deepEqual(cmd.slice(0, 2), ['node', '-e']);
  assert.match(cmd[2]!, /\/health\/live/);
  // The probe script itself must be valid JavaScript.
  assert.doesNotThrow(() => new Function(cmd[2]!));
});

test('the command is `npm start` without npm: compiled JavaScript, Sentry preloaded', () => {
  const cmd = jsonArgs(stage('runtime'), 'CMD');
  assert.deepEqual(cmd, pkg.scripts.start!.split(' '));
  assert.ok(!cmd.some((a) => /\btsx\b|\.ts$/.test(a)), cmd.join(' '));
  const { preloads, script } = nodeCommandFiles(cmd);
  assert.deepEqual(preloads, ['./build/source-maps.js', './build/instrument.js'], "the project's source maps first, then Sentry");
  assert.equal(script, 'build/server.js');
  // What `npm run build` compiles these from: the test needs no build.
  for (const f of [...preloads, script]) assert.ok(existsSync(sourceOf(f)), `${f}: ${sourceOf(f)} is missing`);
});

test('.dockerignore is an allow-list that keeps secrets and local state out', () => {
  const rules = readFileSync('.dockerignore', 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(rules[0], '*', 'everything is excluded first');
  const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1));
  assert.deepEqual(allowed.sort(), ['bundle/', 'package-lock.json', 'package.json', 'src/', 'tsconfig.json']);
});
