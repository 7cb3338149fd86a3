// Admin auto-refresh: every data-refresh-seconds (30 s), asks the page's scripts to load their
// figures again (event admin:refresh). Never while an operator is typing or has a form in use
// (it would redraw the review rows under their hands): it waits until they are done. A button
// pauses it; the choice is kept in localStorage.
(function () {
  'use strict';
  var KEY = 'admin-refresh-paused';

  function $(id) {
    return document.getElementById(id);
  }

  /** An operator at work: focus in a field (not on a button), or text typed in a review row. */
  function busy() {
    var a = document.activeElement;
    if (a && (/^(SELECT|TEXTAREA)$/.test(a.tagName) || a.isContentEditable || (a.tagName === 'INPUT' && !/^(button|submit|reset)$/.test(a.type)))) return true;
    return [].some.call(document.querySelectorAll('#review-items input'), function (i) {
      return i.value.trim() !== '';
    });
  }

  function clock(d) {
    return d.toISOString().slice(11, 19);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var main = $('dashboard');
    var status = $('refresh-status');
    var toggle = $('refresh-toggle');
    var seconds = Number(main.getAttribute('data-refresh-seconds')) || 30;
    var paused = window.localStorage.getItem(KEY) === '1';
    var due = Date.now() + seconds * 1000;
    var count = 0;
    var base = 'Auto-refresh every ' + seconds + ' s';

    function show(text, state) {
      status.textContent = text;
      main.setAttribute('data-refresh', state);
      toggle.textContent = paused ? 'Resume auto-refresh' : 'Pause auto-refresh';
      toggle.setAttribute('aria-pressed', String(paused));
    }
    show(paused ? 'Auto-refresh paused' : base, paused ? 'paused' : 'on');

    toggle.addEventListener('click', function () {
      paused = !paused;
      window.localStorage.setItem(KEY, paused ? '1' : '0');
      due = Date.now() + seconds * 1000;
      show(paused ? 'Auto-refresh paused' : base, paused ? 'paused' : 'on');
    });

    window.setInterval(function () {
      if (paused || document.hidden || Date.now() < due) return;
      if (busy()) return show(base + ' · waiting: you are typing', 'waiting');
      due = Date.now() + seconds * 1000;
      count += 1;
      main.setAttribute('data-refreshes', String(count));
      document.dispatchEvent(new CustomEvent('admin:refresh'));
      show(base + ' · updated ' + clock(new Date()) + ' UTC', 'on');
    }, 1000);
  });
})();
