// What the admin scripts share to fill tables. Text is only ever set through textContent, so
// nothing from the database can become markup.
(function () {
  'use strict';

  // A cell is text, or { text, href } for a link to a payment, or { text, value } for a figure.
  function fillRows(tableId, rows) {
    var body = document.querySelector('#' + tableId + ' tbody');
    body.replaceChildren();
    rows.forEach(function (cells) {
      var tr = document.createElement('tr');
      cells.forEach(function (c) {
        var td = document.createElement('td');
        if (c !== null && typeof c === 'object' && c.href) {
          var a = document.createElement('a');
          a.href = c.href;
          a.textContent = c.text;
          td.appendChild(a);
        } else if (c !== null && typeof c === 'object') {
          td.textContent = c.text;
          td.setAttribute('data-value', String(c.value));
        } else {
          td.textContent = c;
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    return body;
  }

  function time(t) {
    return t ? t.replace('T', ' ').replace(/(\.\d+)?Z$/, '') : '';
  }

  window.AdminTables = { fillRows: fillRows, time: time };
})();
