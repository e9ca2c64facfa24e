// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy runs no inline
// script, no inline event handler and no eval. Loaded with `defer` from base.html, so it runs
// after the page's own scripts (charts.js and the Vega libraries) and before DOMContentLoaded.
(function () {
  // A control marked data-autosubmit submits its form when it changes (the language switcher,
  // filter selects): what onchange="this.form.submit()" used to do.
  document.addEventListener('change', function (event) {
    var control = event.target;
    if (control.form && control.hasAttribute && control.hasAttribute('data-autosubmit')) {
      control.form.submit();
    }
  });

  // Vega compiles the expressions of a chart into functions with eval unless it is told to use
  // its interpreter (vega-embed's `ast` option): every chart is embedded with it. (The option
  // belongs in charts.js, which passes the embed options; until it has it, it is added here.)
  if (typeof window.vegaEmbed === 'function') {
    var embed = window.vegaEmbed;
    window.vegaEmbed = function (element, spec, options) {
      return embed(element, spec, Object.assign({ ast: true }, options));
    };
  }
})();
