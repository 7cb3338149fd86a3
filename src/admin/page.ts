/**
 * The dashboard's HTML shell. No inline script or style (the CSP forbids both); the figures are
 * filled in by dashboard.js from /admin/api/summary, always through textContent.
 */
import { NETWORKS } from '../domain/networks.ts';
import type { DashboardFilter } from './filters.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderPage(filter: DashboardFilter, assetVersion: string): string {
  const options = ['<option value="">all networks</option>']
    .concat(NETWORKS.map((n) => `<option value="${n}"${n === filter.network ? ' selected' : ''}>${n}</option>`))
    .join('');
  const v = encodeURIComponent(assetVersion);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>feexpay-gateway · admin</title>
<link rel="stylesheet" href="/admin/assets/dashboard.css?v=${v}">
<script src="/admin/assets/chart.umd.min.js?v=${v}" defer></script>
<script src="/admin/assets/dashboard.js?v=${v}" defer></script>
<script src="/admin/assets/review.js?v=${v}" defer></script>
</head>
<body>
<header>
  <h1>feexpay-gateway</h1>
  <form id="filters" method="get" action="/admin">
    <label>From <input type="date" name="from" id="from" value="${escapeHtml(filter.from)}" required></label>
    <label>To <input type="date" name="to" id="to" value="${escapeHtml(filter.to)}" required></label>
    <label>Network <select name="network" id="network">${options}</select></label>
    <label>Data <select name="mode" id="mode"><option value="live"${filter.livemode ? ' selected' : ''}>live</option><option value="test"${filter.livemode ? '' : ' selected'}>test (sandbox)</option></select></label>
    <button type="submit">Apply</button>
  </form>
  <a href="/admin/networks" id="networks-link">Operators</a>
</header>
${filter.livemode ? '' : '<p class="test-mode" role="status">TEST DATA: payments made with test keys, on the built-in simulator. No money moved.</p>'}
<main id="dashboard" data-state="loading" data-mode="${filter.livemode ? 'live' : 'test'}">
  <p id="error" role="alert" hidden></p>
  <section class="cards" aria-label="Last 24 hours">
    <div class="card"><h2>Payments, last 24 h</h2><p class="figure" id="last24-payments">…</p></div>
    <div class="card"><h2>Success rate, last 24 h</h2><p class="figure" id="last24-success-rate">…</p></div>
    <div class="card"><h2>Collected, last 24 h</h2><ul class="figure" id="last24-collected"></ul></div>
  </section>
  <section class="cards" aria-label="Selected period">
    <div class="card"><h2>Payments in period</h2><p class="figure" id="period-payments">…</p></div>
    <div class="card"><h2>Success rate in period</h2><p class="figure" id="period-success-rate">…</p></div>
    <div class="card"><h2>Collected in period</h2><ul class="figure" id="period-collected"></ul></div>
  </section>
  <section class="charts">
    <figure><figcaption>Payments per day (UTC)</figcaption><div class="chart"><canvas id="chart-per-day" role="img" aria-label="Payments per day"></canvas></div></figure>
    <figure><figcaption>Share of each status</figcaption><div class="chart"><canvas id="chart-status" role="img" aria-label="Share of each status"></canvas></div></figure>
    <figure><figcaption>Successful payments per currency</figcaption><div class="chart"><canvas id="chart-currency" role="img" aria-label="Amount per currency"></canvas></div></figure>
  </section>
  <section>
    <h2>Status share</h2>
    <table id="status-share"><thead><tr><th>Status</th><th>Payments</th><th>Share</th></tr></thead><tbody></tbody></table>
  </section>
  <section aria-labelledby="payouts-title">
    <h2 id="payouts-title">Payouts in period · <span id="period-payouts">…</span></h2>
    <div class="cards"><div class="card"><h2>Paid out in period</h2><ul class="figure" id="period-paid-out"></ul></div></div>
    <table id="payout-status"><thead><tr><th>Status</th><th>Payouts</th></tr></thead><tbody></tbody></table>
  </section>
  <section id="review" data-state="loading" aria-labelledby="review-title">
    <h2 id="review-title">Review · <span id="review-count"></span></h2>
    <p>Payments whose outcome the service could not establish, and FeexPay news that fits no recorded outcome.
      Merchants see <code>needs_review</code> until you decide. Every action is audited with your name.</p>
    <label>Your name <input id="review-operator" autocomplete="name" maxlength="100"></label>
    <p id="review-error" role="alert" hidden></p>
    <div class="scroll"><table id="review-items"><thead><tr><th>Opened (UTC)</th><th>Cause</th><th>Payment</th><th>Status</th><th>Amount</th><th>Network</th><th>FeexPay reference</th><th>Action</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section>
    <h2>Latest failed payments</h2>
    <table id="failures"><thead><tr><th>Created (UTC)</th><th>Payment</th><th>Network</th><th>Amount</th><th>Reason</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Merchant events: recent deliveries</h2>
    <table id="event-deliveries"><thead><tr><th>Attempted (UTC)</th><th>Mode</th><th>Event</th><th>Endpoint host</th><th>Attempt</th><th>Outcome</th><th>Status</th><th>ms</th></tr></thead><tbody></tbody></table>
  </section>
  <section>
    <h2>Merchant events: failing endpoints</h2>
    <table id="failing-endpoints"><thead><tr><th>Endpoint</th><th>Mode</th><th>Merchant</th><th>Host</th><th>State</th><th>Failing since (UTC)</th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;
}
