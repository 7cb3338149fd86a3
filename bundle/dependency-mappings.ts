/**
 * A bundle's source map, trimmed to what stack traces need. Node parses the map of every module it
 * loads once source maps are on (src/source-maps.ts) and keeps it: esbuild's full map of the
 * bundle, dependencies included, held about 9 MB of the API's memory (docs/benchmarks.md). The
 * project's own mappings are kept whole (a frame of src/ code points at its line and column);
 * of a dependency's, only the first of each line of its source (and the first on each line of
 * the bundle), so its frames point at its file and line in node_modules (Sentry marks them as
 * outside the app) without a mapping for every token of the line.
 */
import fs from 'node:fs';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

interface SourceMapFile {
  version: 3;
  sources: string[];
  names: string[];
  mappings: string;
  [field: string]: unknown;
}

const isDependency = (source: string) => source.includes('node_modules/');

/** Rewrites the map file in place; returns how many segments it kept of how many. */
export function coarsenDependencyMappings(file: string): { kept: number; of: number } {
  const map = JSON.parse(fs.readFileSync(file, 'utf8')) as SourceMapFile;
  const dependency = map.sources.map(isDependency);
  const names = new Map<number, number>();
  const keptNames: string[] = [];
  let kept = 0;
  let of = 0;
  let lastSource = -1;
  let lastLine = -1;
  const lines = decode(map.mappings).map((segments) => {
    // Each generated line starts a run: a position looks up the segments of its own line.
    lastSource = -1;
    return segments.flatMap((segment): SourceMapSegment[] => {
      of += 1;
      if (segment.length === 1) {
        lastSource = -1;
        kept += 1;
        return [segment];
      }
      const [column, source, line, sourceColumn] = segment;
      const sameLine = source === lastSource && line === lastLine;
      lastSource = source;
      lastLine = line;
      if (dependency[source]) {
        if (sameLine) return [];
        kept += 1;
        return [[column, source, line, sourceColumn]];
      }
      kept += 1;
      if (segment.length === 4) return [segment];
      // Names are renumbered to the ones still used.
      let name = names.get(segment[4]);
      if (name === undefined) {
        name = keptNames.push(map.names[segment[4]]!) - 1;
        names.set(segment[4], name);
      }
      return [[column, source, line, sourceColumn, name]];
    });
  });
  fs.writeFileSync(file, JSON.stringify({ ...map, names: keptNames, mappings: encode(lines) }));
  return { kept, of };
}
