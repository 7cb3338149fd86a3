/**
 * The Collection flows row of the payments dashboard: payments refused before FeexPay by the
 * operators' settings (maintenance, limits), OTP steps by what FeexPay made of the code, and
 * operators FeexPay reports down ("Network Unavailable").
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { serviceMetrics } from '../src/metrics/catalog.ts';
import type { MonitoringConfig } from '../alerts/config.ts';
import { eq, sel } from '../alerts/promql.ts';
import { NO_LIMIT, timeseriesPanel } from './panels.ts';
import { gw, net, RATE } from './selectors.ts';

const m = serviceMetrics;

export function collectionRow(cfg: MonitoringConfig): dashboard.RowBuilder {
  return new dashboard.RowBuilder('Collection flows')
    .withPanel(
      timeseriesPanel({
        title: 'Refused before FeexPay',
        description: 'Payment requests refused by the operator settings (maintenance: 503 network_unavailable; amount out of the operator limits), per second.',
        unit: 'ops',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (network, reason) (rate(${sel(m.paymentsRefusedBeforeFeexPay.name, ...gw(cfg), net)}[${RATE}]))`, legend: '{{network}} {{reason}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'OTP steps by result',
        description: 'Codes sent with POST /v1/payments/{id}/otp per second: accepted, refused (wrong code), unknown (no clear answer), not_awaiting (409).',
        unit: 'ops',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (result) (rate(${sel(m.otpSubmissions.name, ...gw(cfg), net)}[${RATE}]))`, legend: '{{result}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Operators reported down by FeexPay',
        description: 'Payments failed at once because FeexPay answered "Network Unavailable", per network: put a network that stays down in maintenance in /admin/networks.',
        unit: 'ops',
        stack: true,
        width: 8,
        thresholds: NO_LIMIT,
        queries: [{ expr: `sum by (network) (rate(${sel(m.paymentsFinished.name, ...gw(cfg), net, eq('reason', 'network_unavailable'))}[${RATE}]))`, legend: '{{network}}' }],
      }),
    );
}
