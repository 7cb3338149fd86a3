/** `npm run openapi:export -- <file>`: writes the served OpenAPI document (JSON) to a file. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from './run-cli.ts';
import { servedOpenApiDocument } from '../openapi/document.ts';

runCli('openapi:export', async () => {
  const file = process.argv[2];
  if (!file || file === '--help') {
    process.stdout.write('usage: npm run openapi:export -- <file.json>\nWrites the OpenAPI document the service serves at /docs/json.\n');
    return file ? 0 : 2;
  }
  const doc = await servedOpenApiDocument();
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return 0;
});
