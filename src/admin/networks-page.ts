/**
 * /admin/networks: the operators' settings in force, one form per operator (enabled, minimum,
 * maximum) and a reset to the configuration's. Plain HTML forms: no script, within the admin CSP.
 */
import type { NetworkSettingView } from '../schemas/collection.ts';
import { escapeHtml, layout } from './html.ts';

function row(s: NetworkSettingView): string {
  const n = escapeHtml(s.network);
  const action = `/admin/networks/${encodeURIComponent(s.network)}`;
  return `<tr id="network-${n}" data-enabled="${s.enabled}">
  <td>${n}</td>
  <td><form method="post" action="${action}" id="form-${n}">
    <label>Enabled <input type="checkbox" name="enabled" value="true"${s.enabled ? ' checked' : ''}></label>
    <label>Min <input type="number" name="min" min="100" max="2000000" step="1" value="${s.min_amount}" required></label>
    <label>Max <input type="number" name="max" min="100" max="2000000" step="1" value="${s.max_amount}" required></label>
    <button type="submit">Save</button>
  </form></td>
  <td>${s.overridden ? `<form method="post" action="${action}/reset"><button type="submit">Back to configuration</button></form>` : 'configuration'}</td>
</tr>`;
}

export function renderNetworksPage(settings: NetworkSettingView[], assetVersion: string, error?: string): string {
  return layout({
    title: 'operators',
    section: 'networks',
    assetVersion,
    body: `<main id="networks">
  <h2>Operators</h2>
  <p>An operator not enabled is in maintenance: payments to it are refused with 503 network_unavailable before any call to FeexPay. Amounts are whole units.</p>
  ${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ''}
  <div class="scroll"><table><thead><tr><th>Network</th><th>Setting</th><th>Source</th></tr></thead><tbody>
${settings.map(row).join('\n')}
  </tbody></table></div>
</main>`,
  });
}
