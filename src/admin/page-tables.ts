/**
 * The dashboard's charts and tables, empty: dashboard.js, merchant-events.js and review.js fill them. Every table
 * sits in its own scrolling box, so a phone scrolls the table, never the page.
 */

/** How often the page reloads its figures (refresh.js), unless paused or an operator is typing. */
export const REFRESH_SECONDS = 30;

const table = (id: string, headers: string[]) =>
  `<div class="scroll"><table id="${id}"><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody></tbody></table></div>`;

const chart = (id: string, caption: string, label: string) =>
  `<figure><figcaption>${caption}</figcaption><div class="chart"><canvas id="${id}" role="img" aria-label="${label}"></canvas></div></figure>`;

/** First on the page, under today's cards: what shows a failing operator or a backlog at a glance. */
export function glanceSection(): string {
  return `<section aria-labelledby="by-network-title">
    <h2 id="by-network-title">Per network, in period</h2>
    <p class="hint">Flagged: success rate under 90% (with 3 decided payments or more).</p>
    ${table('by-network', ['Network', 'Payments', 'Success rate', 'Successful', 'Failed', 'Expired', 'Pending', 'In review', 'Collected'])}
  </section>
  <section id="stuck" aria-labelledby="stuck-title">
    <h2 id="stuck-title">Stuck pending · <span id="stuck-count">…</span></h2>
    <p class="hint" id="stuck-none" hidden>Nothing is pending past its deadline.</p>
    <div id="stuck-list">
    <p class="hint">Still pending past their deadline: settlement is behind. Oldest created <span id="stuck-oldest">…</span>.</p>
    ${table('stuck-payments', ['Created (UTC)', 'Payment', 'Network', 'Amount', 'Deadline (UTC)'])}
    </div>
  </section>`;
}

export function detailSection(): string {
  return `<section class="charts">
    ${chart('chart-per-day', 'Payments per day (UTC)', 'Payments per day')}
    ${chart('chart-status', 'Share of each status', 'Share of each status')}
    ${chart('chart-currency', 'Successful payments per currency', 'Amount per currency')}
  </section>
  <section>
    <h2>Status share</h2>
    ${table('status-share', ['Status', 'Payments', 'Share'])}
  </section>
  <section aria-labelledby="payouts-title">
    <h2 id="payouts-title">Payouts in period · <span id="period-payouts">…</span></h2>
    <div class="cards"><div class="card"><h2>Paid out in period</h2><ul class="figure" id="period-paid-out"></ul></div></div>
    ${table('payout-status', ['Status', 'Payouts'])}
  </section>
  <section id="review" data-state="loading" aria-labelledby="review-title">
    <h2 id="review-title">Review · <span id="review-count"></span></h2>
    <p>Payments whose outcome the service could not establish, and FeexPay news that fits no recorded outcome.
      Merchants see <code>needs_review</code> until you decide. Every action is audited with your name.</p>
    <label>Your name <input id="review-operator" autocomplete="name" maxlength="100"></label>
    <p id="review-error" role="alert" hidden></p>
    ${table('review-items', ['Opened (UTC)', 'Cause', 'Payment', 'Status', 'Amount', 'Network', 'FeexPay reference', 'Action'])}
  </section>
  <section>
    <h2>Latest failed payments</h2>
    ${table('failures', ['Created (UTC)', 'Payment', 'Network', 'Amount', 'Reason'])}
  </section>
  <section>
    <h2>Merchant events: recent deliveries</h2>
    ${table('event-deliveries', ['Attempted (UTC)', 'Mode', 'Event', 'Endpoint host', 'Attempt', 'Outcome', 'Status', 'ms'])}
  </section>
  <section>
    <h2>Merchant events: failing endpoints</h2>
    ${table('failing-endpoints', ['Endpoint', 'Mode', 'Merchant', 'Host', 'State', 'Failing since (UTC)'])}
  </section>`;
}
