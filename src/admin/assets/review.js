// Admin review section: lists open review items from /admin/api/review-items and sends the
// operator's decision to the same JSON API operations scripts use. Text only through textContent.
(function () {
  'use strict';
  var integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  function $(id) {
    return document.getElementById(id);
  }

  function api(method, path, body) {
    return fetch('/admin/api' + path, {
      method: method,
      credentials: 'same-origin',
      headers: body ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (res) {
      return res.json().then(function (b) {
        if (!res.ok) throw new Error(b && b.error ? b.error.message : 'HTTP ' + res.status);
        return b;
      });
    });
  }

  function cell(tr, text) {
    var td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function control(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) {
      el.setAttribute(k, attrs[k]);
    });
    return el;
  }

  /** The action an item allows: a payment under review is decided; an item on a closed payment is resolved. */
  function actionsFor(item) {
    var inReview = item.payment && item.payment.status === 'needs_review';
    return inReview
      ? [
          ['reference', 'attach FeexPay reference'],
          ['successful', 'decide successful'],
          ['failed', 'decide failed'],
        ]
      : [
          ['refunded', 'resolve: refunded'],
          ['delivered', 'resolve: delivered'],
          ['no_money_moved', 'resolve: no money moved'],
          ['other', 'resolve: other'],
        ];
  }

  function submit(item, action, text) {
    var operator = $('review-operator').value.trim();
    if (!operator) return Promise.reject(new Error('Enter your name first: every decision is audited with it.'));
    var p = item.payment;
    if (action === 'reference') return api('POST', '/payments/' + p.id + '/reference', { reference: text, operator: operator });
    if (action === 'successful' || action === 'failed') return api('POST', '/payments/' + p.id + '/decision', { status: action, reason: text, operator: operator });
    return api('POST', '/review-items/' + item.id + '/resolution', { resolution: action, note: text, operator: operator });
  }

  function row(item) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-item', item.id);
    var p = item.payment;
    cell(tr, item.created_at.replace('T', ' ').replace(/\.\d+Z$/, ''));
    cell(tr, item.cause);
    cell(tr, p ? p.id : '(none)');
    cell(tr, p ? p.status : '');
    cell(tr, p ? integer.format(p.amount) + ' ' + p.currency : '');
    cell(tr, p ? p.network + ' …' + p.phone_last4 : '');
    cell(tr, item.feexpay_reference || '');
    var td = cell(tr, '');
    var form = control('form', { class: 'review-action' });
    var select = control('select', { name: 'action', 'aria-label': 'action' });
    actionsFor(item).forEach(function (a) {
      var o = document.createElement('option');
      o.value = a[0];
      o.textContent = a[1];
      select.appendChild(o);
    });
    var input = control('input', { name: 'text', required: '', minlength: '3', placeholder: 'reference or reason', 'aria-label': 'reference or reason' });
    var button = control('button', { type: 'submit' });
    button.textContent = 'Apply';
    form.append(select, input, button);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      submit(item, select.value, input.value.trim())
        .then(function () {
          return load();
        })
        .catch(function (err) {
          showError(err.message);
        });
    });
    td.appendChild(form);
    return tr;
  }

  function showError(message) {
    $('review-error').textContent = message;
    $('review-error').hidden = false;
  }

  function load() {
    var section = $('review');
    section.setAttribute('data-state', 'loading');
    var mode = document.getElementById('dashboard').getAttribute('data-mode') === 'test' ? '&mode=test' : '';
    return api('GET', '/review-items?open=true' + mode)
      .then(function (list) {
        $('review-error').hidden = true;
        var body = document.querySelector('#review-items tbody');
        body.replaceChildren.apply(body, list.data.map(row));
        $('review-count').textContent = list.data.length === 0 ? 'nothing waiting' : integer.format(list.data.length) + (list.next_before ? '+' : '') + ' waiting';
        section.setAttribute('data-count', String(list.data.length));
        section.setAttribute('data-state', 'ready');
      })
      .catch(function (err) {
        showError('Could not load the review items: ' + err.message);
        section.setAttribute('data-state', 'error');
      });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var saved = window.localStorage.getItem('review-operator');
    if (saved) $('review-operator').value = saved;
    $('review-operator').addEventListener('change', function () {
      window.localStorage.setItem('review-operator', this.value.trim());
    });
    document.addEventListener('admin:refresh', function () {
      load();
    });
    load();
  });
})();
