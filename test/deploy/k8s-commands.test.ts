/**
 * What every container runs: compiled JavaScript from build/, as the image holds it (Dockerfile),
 * never tsx or a TypeScript file. Each file a command loads must be one `npm run build` produces,
 * checked through its source in src/ so the test needs no build.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CRON_DEFS } from '../../k8s/cronjobs.ts';
import { API_NODE_FLAGS, SOURCE_MAPS_PRELOAD } from '../../k8s/pod.ts';
import { renderK8s } from '../../k8s/index.ts';
import { fixtureInputs } from './fixtures/inputs.ts';
import { allOutputs, containersOf, nodeCommandFiles, podTemplates, sourceOf, withAllOptions } from './helpers.ts';

const outputs = allOutputs();
const containers = outputs.flatMap((out) =>
  podTemplates(out.objects).flatMap((t) =>
    containersOf(t.spec).map((c) => ({ where: `${out.label} ${t.owner.kind}/${t.owner.metadata.name} container ${c.name}`, c: c as typeof c & { command?: string[] } })),
  ),
);
const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');

test('every container runs node on compiled files that npm run build produces', () => {
  const scripts = new Set<string>();
  for (const { where, c } of containers) {
    const cmd = c.command;
    assert.ok(cmd?.length, `${where}: an explicit command, not the image's CMD by accident`);
    assert.equal(cmd[0], 'node', where);
    assert.ok(!cmd.some((a) => /\btsx\b|\.ts$/.test(a)), `${where}: ${cmd.join(' ')}`);
    const { preloads, script } = nodeCommandFiles(cmd);
    assert.equal(preloads[0], SOURCE_MAPS_PRELOAD, `${where}: stack traces point at src/ lines, the project's maps loaded first`);
    for (const f of [...preloads, script]) {
      assert.match(f, /^(\.\/)?build\//, `${where}: ${f} is not in build/`);
      assert.ok(existsSync(sourceOf(f)), `${where}: ${f} would not exist, ${sourceOf(f)} is missing`);
    }
    scripts.add(script);
  }
  const expected = ['build/server.js', 'build/cli/migrate.js', ...CRON_DEFS.map((d) => d.script)];
  assert.deepEqual([...scripts].sort(), expected.sort());
});

test('the API container runs exactly `npm start` (the Dockerfile CMD)', () => {
  for (const out of outputs) {
    const d = out.objects.find((o) => o.kind === 'Deployment') as any;
    assert.deepEqual(d.spec.template.spec.containers[0].command, start, out.label);
  }
});

const MEBI = { Mi: 2 ** 20, Gi: 2 ** 30 } as const;
const quantityBytes = (q: string) => Number(q.slice(0, -2)) * MEBI[q.slice(-2) as keyof typeof MEBI];

test("the API's V8 heap limit, as its flags set it, is below its container's memory limit in every manifest", () => {
  // Then the load shedding at 90% of the heap limit acts before the kernel's OOM killer would.
  const heapLimit = Number(execFileSync(process.execPath, [...API_NODE_FLAGS, '-p', "require('node:v8').getHeapStatistics().heap_size_limit"], { encoding: 'utf8' }));
  for (const out of outputs) {
    const d = out.objects.find((o) => o.kind === 'Deployment') as any;
    const memory: string = d.spec.template.spec.containers[0].resources.limits.memory;
    assert.match(memory, /^\d+(Mi|Gi)$/, out.label);
    assert.ok(heapLimit < quantityBytes(memory), `${out.label}: heap limit ${heapLimit} bytes, memory limit ${memory}`);
  }
});

test('synth refuses a CronJob whose script has no source to build', () => {
  const emptyRoot = pathToFileURL(mkdtempSync(join(tmpdir(), 'k8s-empty-root-')) + '/');
  assert.throws(() => renderK8s(withAllOptions('production'), fixtureInputs, emptyRoot), /src\/cli\/\S+\.ts \(built to build\/cli\/\S+\.js\) does not exist/);
});
