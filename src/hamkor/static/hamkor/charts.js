// Render every <div data-chart="ID"> from the Vega-Lite spec in <script id="ID" type="application/json">.
(function () {
  function render(root) {
    root.querySelectorAll('[data-chart]').forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source || element.dataset.rendered) { return; }
      element.dataset.rendered = '1';
      vegaEmbed(element, JSON.parse(source.textContent), { actions: false, renderer: 'svg' })
        .then(function () { element.classList.add('chart-ready'); })
        .catch(function (error) { element.textContent = String(error); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () { render(document); });
  document.addEventListener('htmx:afterSettle', function (event) { render(event.target); });
})();
