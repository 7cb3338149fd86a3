/**
 * The bundle's source map trimmed for stack traces (bundle/dependency-mappings.ts): every mapping
 * of the project's code kept, a dependency's first mapping of each of its source lines only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { coarsenDependencyMappings } from '../../bundle/dependency-mappings.ts';

const SOURCES = ['../src/config/env.ts', '../node_modules/fastify/lib/errors.js'];
const OWN = 0;
const DEP = 1;

function writeMap(lines: SourceMapSegment[][], names: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fgw-map-')), 'chunk.js.map');
  fs.writeFileSync(file, JSON.stringify({ version: 3, file: 'chunk.js', sources: SOURCES, names, mappings: encode(lines) }));
  return file;
}

test("the project's mappings are kept whole, a dependency's first of each source line only", () => {
  const lines: SourceMapSegment[][] = [
    [
      [0, OWN, 7, 4, 0], // own code, named
      [10, OWN, 7, 10],
      [20, DEP, 110, 2, 1], // a dependency's line 111: the first segment stays, without its name
      [30, DEP, 110, 8],
      [40, DEP, 110, 16, 2],
      [50, DEP, 111, 2], // its next line: kept
      [60, OWN, 8, 0, 0], // back in own code
      [70, DEP, 111, 6], // the dependency again after own code: kept (another run)
      [80], // an unmapped segment stays unmapped
    ],
    [
      [0, DEP, 111, 9], // a new generated line continuing the same source line: kept, so the line's positions map
      [3, DEP, 111, 12],
      [5, OWN, 9, 0],
    ],
  ];
  const file = writeMap(lines, ['loadConfig', 'createError', 'codes']);
  assert.deepEqual(coarsenDependencyMappings(file), { kept: 9, of: 12 });
  const map = JSON.parse(fs.readFileSync(file, 'utf8')) as { sources: string[]; names: string[]; mappings: string; file: string };
  assert.deepEqual(map.sources, SOURCES);
  assert.equal(map.file, 'chunk.js', 'the other fields are kept');
  assert.deepEqual(map.names, ['loadConfig'], 'names only the kept segments use, renumbered');
  assert.deepEqual(decode(map.mappings), [
    [[0, OWN, 7, 4, 0], [10, OWN, 7, 10], [20, DEP, 110, 2], [50, DEP, 111, 2], [60, OWN, 8, 0, 0], [70, DEP, 111, 6], [80]],
    [
      [0, DEP, 111, 9],
      [5, OWN, 9, 0],
    ],
  ]);
});
