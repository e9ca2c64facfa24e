// Render every <div data-chart="ID"> from the Vega-Lite spec in <script id="ID" type="application/json">,
// with the reader's number format and, under it, buttons that download the chart as PNG and SVG
// and its data as CSV (the spec's usermeta, written by hamkor.charts.to_json).
(function () {
  function download(name, url) {
    var link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function csvCell(value) {
    if (value === null || value === undefined) { return ''; }
    var text = String(value);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csv(table) {
    var lines = [];
    if (table.note) { lines.push(csvCell(table.note)); }
    lines.push(table.columns.map(csvCell).join(','));
    table.rows.forEach(function (row) { lines.push(row.map(csvCell).join(',')); });
    // with a byte-order mark, so that spreadsheet programs read the names as UTF-8
    return new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
  }

  function actions(element, view, meta) {
    var name = element.dataset.chart;
    var bar = document.createElement('div');
    bar.className = 'chart-actions';
    [
      ['png', function () { view.toImageURL('png', 2).then(function (url) { download(name + '.png', url); }); }],
      ['svg', function () { view.toImageURL('svg').then(function (url) { download(name + '.svg', url); }); }],
      ['csv', function () {
        var url = URL.createObjectURL(csv(meta.table));
        download(name + '.csv', url);
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      }],
    ].forEach(function (action) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'chart-action';
      button.dataset.action = action[0];
      button.textContent = action[0].toUpperCase();
      button.title = meta.actions[action[0]];
      button.setAttribute('aria-label', meta.actions[action[0]]);
      button.addEventListener('click', action[1]);
      bar.appendChild(button);
    });
    element.insertAdjacentElement('afterend', bar);
  }

  function render(root) {
    root.querySelectorAll('[data-chart]').forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source || element.dataset.rendered) { return; }
      element.dataset.rendered = '1';
      var spec = JSON.parse(source.textContent);
      var meta = spec.usermeta || {};
      var options = {
        actions: false,
        renderer: 'svg',
        ast: true, // Vega's expression interpreter: the Content-Security-Policy allows no eval
        loader: { target: '_self' }, // a bar that links to its drill-down opens it in this tab
      };
      if (meta.formatLocale) { options.formatLocale = meta.formatLocale; }
      vegaEmbed(element, spec, options)
        .then(function (result) {
          if (meta.table) { actions(element, result.view, meta); }
          element.classList.add('chart-ready');
        })
        .catch(function (error) { element.textContent = String(error); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { render(document); });
  document.addEventListener('htmx:afterSettle', function (event) { render(event.target); });
})();
