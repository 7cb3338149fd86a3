/**
 * Panels read straight from the payments table, for questions metrics cannot answer (exact
 * counts per day, totals per currency, which payments failed). Personal data (phone_number,
 * customer) is never selected: Grafana viewers are not all entitled to it.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { NO_LIMIT, sqlPanel } from './panels.ts';

/** Filters on the dashboard's network variable; the all-value `.*` matches every network. */
const NETWORK_FILTER = "network ~ '^(${network:regex})$'";

export const SQL = {
  perDay: `SELECT $__timeGroupAlias(created_at, '1d'), status AS metric, count(*) AS value
FROM payments
WHERE $__timeFilter(created_at) AND ${NETWORK_FILTER}
GROUP BY 1, 2
ORDER BY 1, 2`,
  statusShare24h: `SELECT status, count(*) AS payments, round(count(*)::numeric / sum(count(*)) OVER (), 4) AS share
FROM payments
WHERE created_at > now() - interval '24 hours' AND ${NETWORK_FILTER}
GROUP BY status
ORDER BY status`,
  totalsPerCurrency: `SELECT currency, count(*) AS payments, sum(amount) AS total_amount
FROM payments
WHERE status = 'successful' AND $__timeFilter(settled_at) AND ${NETWORK_FILTER}
GROUP BY currency
ORDER BY currency`,
  latestFailed: `SELECT id, created_at, updated_at, network, amount, currency, failure_reason, feexpay_reference
FROM payments
WHERE status = 'failed' AND $__timeFilter(created_at) AND ${NETWORK_FILTER}
ORDER BY created_at DESC, id
LIMIT 50`,
} as const;

export const SQL_ROW = 'From the payments database';

export function sqlPanels(): dashboard.RowBuilder {
  return new dashboard.RowBuilder(SQL_ROW)
    .withPanel(
      sqlPanel({
        kind: 'timeseries',
        format: 'time_series',
        sql: SQL.perDay,
        unit: 'short',
        thresholds: NO_LIMIT,
        decimals: 0,
        title: 'Payments per day by status',
        description: 'Payments created per day, by current status, counted in PostgreSQL.',
      }),
    )
    .withPanel(
      sqlPanel({
        kind: 'table',
        format: 'table',
        sql: SQL.statusShare24h,
        unit: 'short',
        thresholds: NO_LIMIT,
        title: 'Status share over the last 24 hours',
        description: 'Payments created in the last 24 hours by status, with each status share of the total (successful = success rate).',
      }),
    )
    .withPanel(
      sqlPanel({
        kind: 'table',
        format: 'table',
        sql: SQL.totalsPerCurrency,
        unit: 'short',
        thresholds: NO_LIMIT,
        decimals: 0,
        title: 'Collected per currency',
        description: 'Count and total amount of successful payments settled in the selected time range, per currency.',
      }),
    )
    .withPanel(
      sqlPanel({
        kind: 'table',
        format: 'table',
        sql: SQL.latestFailed,
        unit: 'short',
        thresholds: NO_LIMIT,
        title: 'Latest failed payments',
        description: 'The 50 most recent failed payments with their failure reason and FeexPay reference. No customer data.',
      }),
    );
}
