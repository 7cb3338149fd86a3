/**
 * Turns the generated Alertmanager configuration (alertmanager.yml, snake_case) into the
 * operator's AlertmanagerConfig CRD. Credentials never travel: Slack URLs, SMTP passwords and the
 * heartbeat's ping URL become references to keys of the out-of-band Secret, whatever the source
 * file held for them.
 * The operator nests this route under the cluster's root route with a `namespace` matcher, so the
 * Alertmanager must use `alertmanagerConfigMatcherStrategy: None` (see docs/deploy.md) for alerts
 * aggregated without a namespace label to reach it. Then the top route carries no matcher of the
 * operator's and is forced to `continue: true`: the settings' matchers (this service's alerts only)
 * keep every other alert of the cluster out. Each environment has its own destinations, and a
 * channel whose Secret key is absent is left out (the operator rejects the whole configuration
 * over one missing key).
 */
import { AlertmanagerConfig, type IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { NAMES } from './names.ts';
import { APP_SECRET_NAME } from './secrets.ts';
import type { AlertingSettings } from './settings.ts';

type Spec = IAlertmanagerConfig['spec'];
type Route = NonNullable<Spec['route']>;
type Matcher = NonNullable<Route['matchers']>[number];
type Receiver = NonNullable<Spec['receivers']>[number];

/** The subset of alertmanager.yml this translation understands; anything else is refused. */
export interface AmSource {
  global?: Record<string, unknown>;
  route: AmRoute;
  receivers: AmReceiver[];
  inhibit_rules?: AmInhibit[];
  templates?: string[];
}
interface AmRoute {
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  continue?: boolean;
  routes?: AmRoute[];
}
interface AmReceiver {
  name: string;
  email_configs?: Record<string, unknown>[];
  slack_configs?: Record<string, unknown>[];
  webhook_configs?: Record<string, unknown>[];
}
interface AmInhibit {
  source_matchers?: string[];
  target_matchers?: string[];
  source_match?: Record<string, string>;
  target_match?: Record<string, string>;
  equal?: string[];
}

/** Checks the shape at the boundary: alerts/ hands over a plain parsed alertmanager.yml object. */
export function asAmSource(value: Record<string, unknown>): AmSource {
  const route = value.route as AmRoute | undefined;
  if (!route || typeof route !== 'object' || !Array.isArray(value.receivers)) {
    throw new Error('Alertmanager configuration needs a route and a receivers list');
  }
  for (const r of value.receivers as AmReceiver[]) {
    if (typeof r?.name !== 'string') throw new Error('Every Alertmanager receiver needs a name');
  }
  return value as unknown as AmSource;
}

export const SECRET_KEYS = { slackUrl: 'SLACK_WEBHOOK_URL', smtpPassword: 'SMTP_PASSWORD', heartbeatUrl: 'HEARTBEAT_URL' } as const;

/**
 * The one receiver whose webhook URL is HEARTBEAT_URL (alerts/alertmanager.ts names it so). Any
 * other receiver's webhook is refused: it would silently post to the dead man's switch.
 */
export const HEARTBEAT_RECEIVER = 'heartbeat';

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|(.*?))\s*$/;

export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m) throw new Error(`Unsupported Alertmanager matcher: ${text}`);
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  return { name: m[1]!, matchType: m[2] as Matcher['matchType'], value };
}

function matchers(list?: string[], eq?: Record<string, string>, re?: Record<string, string>): Matcher[] | undefined {
  const out = [
    ...(list ?? []).map(parseMatcher),
    ...Object.entries(eq ?? {}).map(([name, value]): Matcher => ({ name, matchType: '=', value })),
    ...Object.entries(re ?? {}).map(([name, value]): Matcher => ({ name, matchType: '=~', value })),
  ];
  return out.length ? out : undefined;
}

function route(r: AmRoute): Route {
  return {
    receiver: r.receiver,
    groupBy: r.group_by,
    groupWait: r.group_wait,
    groupInterval: r.group_interval,
    repeatInterval: r.repeat_interval,
    matchers: matchers(r.matchers, r.match, r.match_re),
    continue: r.continue,
    routes: r.routes?.map(route),
  };
}

const secretRef = (key: string) => ({ name: APP_SECRET_NAME, key });
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

const TRANSLATED = {
  email: ['to', 'from', 'smarthost', 'auth_username', 'auth_password', 'auth_password_file', 'require_tls', 'send_resolved', 'headers', 'text'],
  slack: ['api_url', 'api_url_file', 'channel', 'title', 'title_link', 'color', 'text', 'send_resolved'],
  webhook: ['url', 'url_file', 'send_resolved', 'max_alerts'],
} as const;

/** A field this translation would drop is an error, not a silently different routing. */
function refuseUnknown(kind: keyof typeof TRANSLATED, receiverName: string, configs: Record<string, unknown>[] | undefined): void {
  const known = new Set<string>(TRANSLATED[kind]);
  for (const c of configs ?? []) {
    const unknown = Object.keys(c).filter((k) => !known.has(k));
    if (unknown.length) throw new Error(`Receiver ${receiverName}: no AlertmanagerConfig translation for ${kind} ${unknown.join(', ')}`);
  }
}

function receiver(r: AmReceiver, global: Record<string, unknown>, a: AlertingSettings): Receiver {
  refuseUnknown('email', r.name, r.email_configs);
  refuseUnknown('slack', r.name, r.slack_configs);
  refuseUnknown('webhook', r.name, r.webhook_configs);
  if (r.webhook_configs?.length && r.name !== HEARTBEAT_RECEIVER) {
    throw new Error(`Receiver ${r.name}: webhook_configs translate only for the ${HEARTBEAT_RECEIVER} receiver (its URL is the Secret's ${SECRET_KEYS.heartbeatUrl})`);
  }
  const out: Receiver = { name: r.name };
  if (a.email && r.email_configs?.length) {
    out.emailConfigs = r.email_configs.map((c) => {
      const username = str(c.auth_username) ?? str(global.smtp_auth_username);
      return {
        to: a.destinations?.emailTo ?? str(c.to),
        from: str(c.from) ?? str(global.smtp_from),
        smarthost: str(c.smarthost) ?? str(global.smtp_smarthost),
        authUsername: username,
        authPassword: username ? secretRef(SECRET_KEYS.smtpPassword) : undefined,
        requireTLS: bool(c.require_tls) ?? bool(global.smtp_require_tls),
        sendResolved: bool(c.send_resolved),
        headers: c.headers ? Object.entries(c.headers as Record<string, string>).map(([key, value]) => ({ key, value })) : undefined,
        text: str(c.text),
      };
    });
  }
  if (a.slack && r.slack_configs?.length) {
    out.slackConfigs = r.slack_configs.map((c) => ({
      apiURL: secretRef(SECRET_KEYS.slackUrl),
      channel: a.destinations?.slackChannel ?? str(c.channel),
      title: str(c.title),
      titleLink: str(c.title_link),
      color: str(c.color),
      text: str(c.text),
      sendResolved: bool(c.send_resolved),
    }));
  }
  // Without the key the receiver stays, with nothing to send: the heartbeat's route still ends
  // there, never at the Slack or email route below it.
  if (a.heartbeat && r.webhook_configs?.length) {
    out.webhookConfigs = r.webhook_configs.map((c) => ({
      urlSecret: secretRef(SECRET_KEYS.heartbeatUrl),
      sendResolved: bool(c.send_resolved),
      maxAlerts: typeof c.max_alerts === 'number' ? c.max_alerts : undefined,
    }));
  }
  const known = new Set(['name', 'email_configs', 'slack_configs', 'webhook_configs']);
  const unknown = Object.keys(r).filter((k) => !known.has(k));
  if (unknown.length) throw new Error(`Receiver ${r.name}: no AlertmanagerConfig translation for ${unknown.join(', ')}`);
  return out;
}

/** Drops undefined fields so the YAML and the snapshot show only what is set. */
function prune<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function alertmanagerConfig(source: AmSource, labels: Record<string, string>, alerting: AlertingSettings): AlertmanagerConfig {
  const global = source.global ?? {};
  const top = route(source.route);
  const scope = alerting.matchers.map(parseMatcher);
  const spec: Spec = {
    route: { ...top, matchers: [...scope, ...(top.matchers ?? [])] },
    receivers: source.receivers.map((r) => receiver(r, global, alerting)),
    // With the None strategy the operator scopes inhibitions no more than routes: ours mute only
    // this service's alerts.
    inhibitRules: source.inhibit_rules?.map((i) => ({
      sourceMatch: [...scope, ...(matchers(i.source_matchers, i.source_match) ?? [])],
      targetMatch: [...scope, ...(matchers(i.target_matchers, i.target_match) ?? [])],
      equal: i.equal,
    })),
  };
  return new AlertmanagerConfig({ metadata: { name: NAMES.alertmanagerConfig, labels }, spec: prune(spec) });
}
