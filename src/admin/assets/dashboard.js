// Admin dashboard: fetches /admin/api/summary for the chosen filters and draws it. Text is only
// ever set through textContent, so nothing from the database can become markup.
(function () {
  'use strict';
  var STATUS_COLORS = { successful: '#2e7d32', failed: '#c62828', expired: '#ef6c00', pending: '#1565c0', needs_review: '#6a1b9a' };
  var STATUSES = ['successful', 'failed', 'expired', 'needs_review', 'pending'];
  var integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var charts = {};

  function $(id) {
    return document.getElementById(id);
  }
  function percent(rate) {
    return rate === null ? 'n/a' : (rate * 100).toFixed(1) + '%';
  }

  function setFigure(id, text, value) {
    var el = $(id);
    el.textContent = text;
    el.setAttribute('data-value', String(value));
  }

  function fillList(id, totals) {
    var ul = $(id);
    ul.replaceChildren();
    if (totals.length === 0) {
      var none = document.createElement('li');
      none.textContent = 'none';
      ul.appendChild(none);
    }
    totals.forEach(function (t) {
      var li = document.createElement('li');
      li.textContent = integer.format(t.amount) + ' ' + t.currency;
      li.setAttribute('data-currency', t.currency);
      li.setAttribute('data-value', String(t.amount));
      li.setAttribute('data-count', String(t.count));
      ul.appendChild(li);
    });
  }

  var fillRows = window.AdminTables.fillRows;
  var time = window.AdminTables.time;

  function paymentLink(id, text) {
    return { text: text, href: '/admin/payments?q=' + encodeURIComponent(id) };
  }
  function amounts(totals) {
    return totals.length === 0
      ? '—'
      : totals
          .map(function (t) {
            return integer.format(t.amount) + ' ' + t.currency;
          })
          .join(', ');
  }

  function renderNetworks(rows) {
    var body = fillRows(
      'by-network',
      rows.map(function (n) {
        var c = n.by_status;
        return [
          n.network,
          { text: integer.format(n.payments), value: n.payments },
          { text: percent(n.success_rate) + (n.low_success_rate ? ' ⚠' : ''), value: n.success_rate },
          { text: integer.format(c.successful), value: c.successful },
          { text: integer.format(c.failed), value: c.failed },
          { text: integer.format(c.expired), value: c.expired },
          { text: integer.format(c.pending), value: c.pending },
          { text: integer.format(c.needs_review), value: c.needs_review },
          amounts(n.collected),
        ];
      }),
    );
    [].forEach.call(body.children, function (tr, i) {
      tr.setAttribute('data-network', rows[i].network);
      if (rows[i].low_success_rate) tr.className = 'low';
    });
    if (rows.length === 0) fillRows('by-network', [['No payments in the period.']]);
  }

  function renderStuck(s) {
    setFigure('stuck-count', s.count === 0 ? 'none' : integer.format(s.count) + (s.more ? '+' : ''), s.count);
    $('stuck').setAttribute('data-count', String(s.count));
    $('stuck-none').hidden = s.count !== 0;
    $('stuck-list').hidden = s.count === 0;
    $('stuck-oldest').textContent = s.oldest_created_at ? time(s.oldest_created_at) + ' UTC' : '—';
    fillRows(
      'stuck-payments',
      s.payments.map(function (p) {
        return [time(p.created_at), paymentLink(p.id, p.id.slice(0, 8)), p.network, integer.format(p.amount) + ' ' + p.currency, time(p.expires_at)];
      }),
    );
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options || {});
    charts[id] = new window.Chart($(id), config);
  }

  function render(s) {
    setFigure('today-payments', integer.format(s.today.payments), s.today.payments);
    setFigure('today-success-rate', percent(s.today.success_rate), s.today.success_rate);
    fillList('today-collected', s.today.collected);
    renderNetworks(s.period.by_network);
    renderStuck(s.stuck_pending);
    setFigure('last24-payments', integer.format(s.last_24h.payments), s.last_24h.payments);
    setFigure('last24-success-rate', percent(s.last_24h.success_rate), s.last_24h.success_rate);
    fillList('last24-collected', s.last_24h.collected);
    setFigure('period-payments', integer.format(s.period.payments), s.period.payments);
    setFigure('period-success-rate', percent(s.period.success_rate), s.period.success_rate);
    fillList('period-collected', s.period.collected);

    fillRows(
      'status-share',
      s.period.status_share.map(function (r) {
        return [r.status, integer.format(r.count), (r.share * 100).toFixed(1) + '%'];
      }),
    );
    setFigure('period-payouts', integer.format(s.payouts.payouts), s.payouts.payouts);
    fillList('period-paid-out', s.payouts.paid_out);
    fillRows(
      'payout-status',
      Object.keys(s.payouts.by_status).map(function (st) {
        return [st, integer.format(s.payouts.by_status[st])];
      }),
    );
    fillRows(
      'failures',
      s.latest_failures.map(function (f) {
        return [time(f.created_at), paymentLink(f.id, f.id.slice(0, 8)), f.network, integer.format(f.amount) + ' ' + f.currency, f.failure_reason];
      }),
    );

    draw('chart-per-day', {
      type: 'bar',
      data: {
        labels: s.period.per_day.map(function (d) {
          return d.day;
        }),
        datasets: STATUSES.map(function (st) {
          return {
            label: st,
            backgroundColor: STATUS_COLORS[st],
            data: s.period.per_day.map(function (d) {
              return d[st];
            }),
          };
        }),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
    draw('chart-status', {
      type: 'doughnut',
      data: {
        labels: s.period.status_share.map(function (r) {
          return r.status;
        }),
        datasets: [
          {
            data: s.period.status_share.map(function (r) {
              return r.count;
            }),
            backgroundColor: s.period.status_share.map(function (r) {
              return STATUS_COLORS[r.status];
            }),
          },
        ],
      },
    });
    draw('chart-currency', {
      type: 'bar',
      data: {
        labels: s.period.collected.map(function (t) {
          return t.currency;
        }),
        datasets: [
          {
            label: 'collected',
            backgroundColor: '#2e7d32',
            data: s.period.collected.map(function (t) {
              return t.amount;
            }),
          },
        ],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }

  function query() {
    var p = new URLSearchParams();
    p.set('from', $('from').value);
    p.set('to', $('to').value);
    if ($('network').value) p.set('network', $('network').value);
    if ($('mode').value === 'test') p.set('mode', 'test');
    return p.toString();
  }

  /** q: the filters to load; by default the form's. A refresh passes the ones last applied. */
  function load(q) {
    var main = $('dashboard');
    q = q === undefined ? query() : q;
    main.setAttribute('data-state', 'loading');
    return fetch('/admin/api/summary?' + q, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json().then(function (body) {
          // A refused filter is the operator's to fix: its message as it is, no "could not load".
          if (res.status === 400 && body && body.error) throw Object.assign(new Error(body.error.message), { refused: true });
          if (!res.ok) throw new Error(body && body.error ? body.error.message : 'HTTP ' + res.status);
          return body;
        });
      })
      .then(function (summary) {
        $('error').hidden = true;
        render(summary);
        main.setAttribute('data-query', q);
        main.setAttribute('data-state', 'ready');
      })
      .catch(function (err) {
        $('error').textContent = err.refused ? err.message : 'Could not load the figures: ' + err.message;
        $('error').hidden = false;
        main.setAttribute('data-state', 'error');
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('filters').addEventListener('submit', function (e) {
      e.preventDefault();
      history.replaceState(null, '', '/admin?' + query());
      load();
    });
    $('network').addEventListener('change', function () {
      $('filters').requestSubmit();
    });
    // Switching between live and test data reloads the page, so the test banner comes and goes.
    $('mode').addEventListener('change', function () {
      window.location.assign('/admin?' + query());
    });
    // refresh.js: the figures again, for the filters last applied (not what is half-typed in the form).
    document.addEventListener('admin:refresh', function () {
      var applied = $('dashboard').getAttribute('data-query');
      load(applied === null ? undefined : applied);
    });
    load();
  });
})();
