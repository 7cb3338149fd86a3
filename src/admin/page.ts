/**
 * The dashboard page: the filters, and empty figures that dashboard.js fills from
 * /admin/api/summary, always through textContent. A filter the service refuses (a period over
 * 92 days...) is answered by this same page with the message and the form as typed, not JSON.
 */
import { NETWORKS } from '../domain/networks.ts';
import { escapeHtml, layout } from './html.ts';
import { detailSection, glanceSection, REFRESH_SECONDS } from './page-tables.ts';

/** What the form shows: a valid filter, or the operator's input when it was refused. */
export interface PageFilter {
  from: string;
  to: string;
  network: string | null;
  livemode: boolean;
}

const TEST_BANNER = '<p class="test-mode" role="status">TEST DATA: payments made with test keys, on the built-in simulator. No money moved.</p>';

const REFRESH_CONTROL = `<p class="refresh"><span id="refresh-status">Auto-refresh every ${REFRESH_SECONDS} s</span>
    <button type="button" id="refresh-toggle" aria-pressed="false">Pause auto-refresh</button></p>`;

function filtersForm(filter: PageFilter): string {
  const options = ['<option value="">all networks</option>'].concat(NETWORKS.map((n) => `<option value="${n}"${n === filter.network ? ' selected' : ''}>${n}</option>`)).join('');
  return `<form id="filters" method="get" action="/admin">
    <label>From <input type="date" name="from" id="from" value="${escapeHtml(filter.from)}" required></label>
    <label>To <input type="date" name="to" id="to" value="${escapeHtml(filter.to)}" required></label>
    <label>Network <select name="network" id="network">${options}</select></label>
    <label>Data <select name="mode" id="mode"><option value="live"${filter.livemode ? ' selected' : ''}>live</option><option value="test"${filter.livemode ? '' : ' selected'}>test (sandbox)</option></select></label>
    <button type="submit">Apply</button>
  </form>`;
}

const card = (title: string, id: string, list = false) =>
  `<div class="card"><h2>${title}</h2>${list ? `<ul class="figure" id="${id}"></ul>` : `<p class="figure" id="${id}">…</p>`}</div>`;

function cards(label: string, prefix: string, title: string): string {
  return `<section class="cards" aria-label="${label}">
    ${card(`Payments, ${title}`, `${prefix}-payments`)}
    ${card(`Success rate, ${title}`, `${prefix}-success-rate`)}
    ${card(`Collected, ${title}`, `${prefix}-collected`, true)}
  </section>`;
}

export function renderPage(filter: PageFilter, assetVersion: string, problem?: string): string {
  const body = `<div class="toolbar">
  ${filtersForm(filter)}
  ${problem ? '' : REFRESH_CONTROL}
</div>
<main id="dashboard" data-state="${problem ? 'invalid' : 'loading'}" data-mode="${filter.livemode ? 'live' : 'test'}" data-refresh-seconds="${REFRESH_SECONDS}">
  <p id="error" role="alert"${problem ? '' : ' hidden'}>${problem ? escapeHtml(problem) : ''}</p>
  ${
    problem
      ? ''
      : `${cards('Today', 'today', 'today (UTC)')}
  ${glanceSection()}
  ${cards('Last 24 hours', 'last24', 'last 24 h')}
  ${cards('Selected period', 'period', 'in period')}
  ${detailSection()}`
  }
</main>`;
  return layout({
    title: 'admin',
    section: 'dashboard',
    assetVersion,
    // A refused filter gets the plain form: applying it asks the service again.
    scripts: problem ? [] : ['chart.umd.min.js', 'tables.js', 'dashboard.js', 'merchant-events.js', 'review.js', 'refresh.js'],
    banner: filter.livemode ? '' : TEST_BANNER,
    body,
  });
}
