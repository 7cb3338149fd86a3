/**
 * Every generated manifest reads the same under YAML 1.1 and YAML 1.2. Kubernetes reads 1.2
 * (sigs.k8s.io/yaml), but Python tooling (PyYAML: checkov, ansible, the kubernetes client) reads
 * 1.1, where an unquoted `=` is the "value" type and `yes`, `on`, `0755`, `1:30` are not strings.
 * Checked with the `yaml` package in both versions and, where Python has it, PyYAML itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { toPortableYaml } from '../../k8s/index.ts';
import { allOutputs } from './helpers.ts';

const outputs = allOutputs();
const files = outputs.flatMap((out) => Object.entries(out.files).map(([file, text]) => ({ where: `${out.label} ${file}`, text })));

function parseAs(version: '1.1' | '1.2', text: string): unknown[] {
  return parseAllDocuments(text, { version }).map((d) => {
    if (d.errors.length) throw new Error(d.errors[0]!.message);
    return d.toJS({ maxAliasCount: -1 });
  });
}

test('every manifest file parses to the same objects with YAML 1.1 and YAML 1.2', () => {
  let docs = 0;
  for (const { where, text } of files) {
    const v12 = parseAs('1.2', text);
    const v11 = parseAs('1.1', text);
    assert.deepEqual(v11, v12, where);
    docs += v12.length;
  }
  console.log(`${files.length} files, ${docs} documents: identical under YAML 1.1 and 1.2`);
  assert.ok(docs >= 60, `${docs}`);
});

test('the scalars YAML 1.1 misreads are quoted (and the check would see them otherwise)', () => {
  const tricky = { matchType: '=', merge: '<<', yes: 'yes', on: 'on', octal: '0755', sexagesimal: '1:30', no: 'n', tilde: '~', number: '1_000' };
  const text = toPortableYaml(tricky);
  assert.deepEqual(parseAs('1.1', text), [tricky]);
  assert.deepEqual(parseAs('1.2', text), [tricky]);
  assert.match(text, /^matchType: "="$/m);
  // The unquoted form is what PyYAML refused: `=` resolves to tag:yaml.org,2002:value.
  assert.notDeepEqual(parseAs('1.1', 'a: yes\nb: 0755\n'), parseAs('1.2', 'a: yes\nb: 0755\n'));
});

const python = ['python3', 'python'].find((p) => spawnSync(p, ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0);

test('PyYAML (a YAML 1.1 parser) loads every manifest to the same objects', { skip: !python && 'no Python with PyYAML here' }, () => {
  const script = 'import json, sys, yaml\nprint(json.dumps(list(yaml.safe_load_all(sys.stdin.read()))))';
  for (const { where, text } of files) {
    const r = spawnSync(python!, ['-c', script], { input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, `${where}: ${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout), parseAs('1.2', text), where);
  }
  // The old output: PyYAML refuses an unquoted `=`.
  const refused = spawnSync(python!, ['-c', script], { input: 'matchType: =\n', encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
});
