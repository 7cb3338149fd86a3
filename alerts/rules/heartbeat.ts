/**
 * The dead man's switch: an alert that always fires. While Prometheus evaluates our rules and
 * Alertmanager routes them, its own route pings an external heartbeat service every minute; that
 * service pages when the pings stop. It is the one alert that proves the pipeline works, so
 * Prometheus down, our rules not loaded, Alertmanager down or its route broken all page someone
 * from outside the stack instead of leaving everyone in silence.
 */
import { alert } from '../alert.ts';
import { HEARTBEAT_SEVERITY, type MonitoringConfig } from '../config.ts';
import type { AlertingRule } from '../types.ts';

export const HEARTBEAT_ALERT = 'FeexPayAlertingHeartbeat';

export function heartbeatAlert(cfg: MonitoringConfig): AlertingRule {
  return alert(cfg, {
    name: HEARTBEAT_ALERT,
    // Fires at the first evaluation after a (re)start: no `for`, since a pending heartbeat pings no one.
    knobs: { severity: HEARTBEAT_SEVERITY, for: '0m' },
    component: 'monitoring',
    // Reads no series: a missing exporter or target must not stop it, only a dead pipeline.
    expr: 'vector(1)',
    summary: 'The alerting pipeline is alive: this alert always fires, by design.',
    description:
      `Always firing: while Prometheus evaluates the FeexPay gateway rules and Alertmanager routes this alert to the heartbeat receiver (never to a person), ` +
      `the external heartbeat service gets a ping every ${cfg.alertmanager.heartbeatGroupInterval} and pages when the pings stop. Never silence it.`,
  });
}
