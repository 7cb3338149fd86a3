/**
 * Debian's Alertmanager and amtool (0.25, what CI installs) predate webhook `url_file`, which the
 * generated alertmanager.yml uses for the heartbeat's ping URL (compose runs a newer Alertmanager;
 * in Kubernetes the operator gets a Secret reference instead). The tests load the generated file
 * with each `url_file` turned into the `url` the file holds, as a newer Alertmanager reads it at
 * send time; nothing else is touched, so routes, grouping and inhibitions are the generated ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

/** Where a ping goes when the file is not on this machine (a container path): a closed port. */
export const UNREADABLE_URL_FILE = 'http://127.0.0.1:9/url-file-not-on-this-machine';

type Read = (path: string) => string | undefined;
const readIfPresent: Read = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

interface Receivers {
  receivers?: Array<{ webhook_configs?: Array<Record<string, unknown>> }>;
}

export function forAlertmanager025(configYaml: string, read: Read = readIfPresent): string {
  const config = parse(configYaml) as Receivers;
  for (const r of config.receivers ?? []) {
    for (const w of r.webhook_configs ?? []) {
      if (typeof w.url_file !== 'string') continue;
      w.url = read(w.url_file)?.trim() || UNREADABLE_URL_FILE;
      delete w.url_file;
    }
  }
  return stringify(config, { lineWidth: 0 });
}
