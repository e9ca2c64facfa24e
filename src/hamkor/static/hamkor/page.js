// Behaviour every page shares, kept out of the HTML: the Content-Security-Policy runs no inline
// script, no inline event handler and no eval. Loaded with `defer` from base.html.
(function () {
  var SCROLL_KEY = 'hamkor-scroll:';

  // A control marked data-autosubmit submits its form when it changes (the language switcher,
  // filter selects): what onchange="this.form.submit()" used to do. The page that comes back
  // opens where the reader was, not at its top (a selector far down a long page).
  document.addEventListener('change', function (event) {
    var control = event.target;
    if (control.form && control.hasAttribute && control.hasAttribute('data-autosubmit')) {
      try { sessionStorage.setItem(SCROLL_KEY + location.pathname, String(window.scrollY)); } catch (error) { /* private mode */ }
      control.form.submit();
    }
  });
  window.addEventListener('load', function () {
    var saved = null;
    try {
      saved = sessionStorage.getItem(SCROLL_KEY + location.pathname);
      sessionStorage.removeItem(SCROLL_KEY + location.pathname);
    } catch (error) { /* private mode */ }
    if (saved !== null) { window.scrollTo(0, Number(saved)); }
  });

  // A button marked data-copy-link copies the address of the view as filtered now.
  function copied(button) {
    var label = button.textContent;
    button.textContent = button.dataset.copied;
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-copy-link]');
    if (!button) { return; }
    var address = location.href;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(address).then(function () { copied(button); });
      return;
    }
    var field = document.createElement('textarea'); // without the Clipboard API (plain http)
    field.value = address;
    field.setAttribute('readonly', '');
    field.style.position = 'fixed';
    field.style.opacity = '0';
    document.body.appendChild(field);
    field.select();
    document.execCommand('copy');
    field.remove();
    copied(button);
  });
})();
