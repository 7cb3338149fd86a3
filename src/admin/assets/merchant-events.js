// Admin dashboard: recent merchant event deliveries and failing endpoints, from
// /admin/api/merchant-events, loaded apart from the summary and refreshed with it (refresh.js).
(function () {
  'use strict';
  var fillRows = window.AdminTables.fillRows;
  var time = window.AdminTables.time;

  // Independent of the period filter and of the summary: a failure here leaves the figures alone.
  function loadMerchantEvents() {
    return fetch('/admin/api/merchant-events', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (m) {
        fillRows(
          'event-deliveries',
          m.recent_deliveries.map(function (d) {
            return [
              time(d.started_at),
              d.mode,
              d.event_type + ' ' + d.event_id.slice(0, 8),
              d.host,
              String(d.attempt),
              d.outcome,
              d.response_status === null ? '' : String(d.response_status),
              String(d.duration_ms),
            ];
          }),
        );
        fillRows(
          'failing-endpoints',
          m.failing_endpoints.map(function (e) {
            return [e.endpoint_id.slice(0, 8), e.mode, e.merchant_id.slice(0, 8), e.host, e.status, time(e.failing_since)];
          }),
        );
      })
      .catch(function (err) {
        fillRows('event-deliveries', [['Could not load merchant events: ' + err.message]]);
      });
  }

  document.addEventListener('DOMContentLoaded', loadMerchantEvents);
  document.addEventListener('admin:refresh', loadMerchantEvents);
})();
