/** The image recipe, checked as text (no Docker engine here): base, user, health check, command. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const jsonArgs = (instr: string) => JSON.parse(lines.find((l) => l.startsWith(`${instr} `))!.slice(instr.length + 1)) as string[];

test('base image is a pinned node 20 bookworm-slim, for every stage', () => {
  const arg = lines.find((l) => l.startsWith('ARG NODE_IMAGE='))!;
  assert.match(arg, /^ARG NODE_IMAGE=node:20\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
  const froms = lines.filter((l) => l.startsWith('FROM '));
  assert.equal(froms.length, 2, 'multi-stage: deps and runtime');
  for (const f of froms) assert.match(f, /^FROM \$\{NODE_IMAGE\} AS \w+$/);
});

test('production dependencies only, from the lockfile', () => {
  assert.match(dockerfile, /npm ci --omit=dev/);
  assert.doesNotMatch(dockerfile, /COPY \. /, 'never copy the whole context');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.ok(pkg.dependencies.tsx, 'tsx runs the service, so it must be a production dependency');
});

test('runs as a non-root numeric user with a node-based health check', () => {
  const users = lines.filter((l) => l.startsWith('USER '));
  assert.match(users.at(-1)!, /^USER [1-9]\d*:[1-9]\d*$/);
  const health = lines.find((l) => l.startsWith('HEALTHCHECK'))!;
  const cmd = JSON.parse(health.slice(health.indexOf(' CMD ') + 5)) as string[];
  assert.deepEqual(cmd.slice(0, 2), ['node', '-e']);
  assert.match(cmd[2]!, /\/health\/live/);
  // The probe script itself must be valid JavaScript.
  assert.doesNotThrow(() => new Function(cmd[2]!));
});

test('the command is `npm start` without npm, preloading Sentry', () => {
  const cmd = jsonArgs('CMD');
  const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
  assert.deepEqual(cmd, start.split(' '));
  assert.deepEqual(cmd.slice(0, 5), ['node', '--import', 'tsx', '--import', './src/instrument.ts']);
  assert.ok(existsSync('src/server.ts'));
});

test('.dockerignore is an allow-list that keeps secrets and local state out', () => {
  const rules = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  assert.equal(rules[0], '*', 'everything is excluded first');
  const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1));
  assert.deepEqual(allowed.sort(), ['package-lock.json', 'package.json', 'src/', 'tsconfig.json']);
});
