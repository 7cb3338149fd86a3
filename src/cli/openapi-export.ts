/** `npm run openapi:export -- <file>`: writes the served OpenAPI document (JSON) to a file. */
import fs from 'node:fs';
import path from 'node:path';
import { parseCliArgs, UsageError } from './cli-args.ts';
import { runCli } from './run-cli.ts';
import { servedOpenApiDocument } from '../openapi/document.ts';

const USAGE = 'usage: npm run openapi:export -- <file.json>\nWrites the OpenAPI document the service serves at /docs/json.\n';
const { positionals } = parseCliArgs('openapi:export', USAGE, {}, true);

runCli(
  'openapi:export',
  async () => {
    const [file, ...extra] = positionals;
    if (!file || extra.length) throw new UsageError(file ? 'one file only' : 'the file to write is required');
    const doc = await servedOpenApiDocument();
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    return 0;
  },
  USAGE,
);
