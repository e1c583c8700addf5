// Minxin's small behaviours. No inline scripts anywhere (the CSP forbids them).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
});
document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// htmx sends Django's CSRF token with every request.
document.body.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// A refused fragment (a rule broken, a rate limit, a number that cannot be opened) carries its
// message: it is shown where the answer would have gone, instead of nothing (core.middleware).
document.body.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.isError && event.detail.xhr.getResponseHeader("X-Minxin-Error")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A long select with a filter box (core.forms.SearchableSelect): typing narrows its options to
// those whose label or search words (name, pinyin, initials, number) contain what was typed.
document.querySelectorAll("select[data-searchable]").forEach((select) => {
  const box = document.createElement("input");
  box.type = "search";
  box.className = "form-control form-control-sm mb-1";
  box.placeholder = select.dataset.searchable;
  box.setAttribute("aria-label", select.dataset.searchable);
  box.dataset.filterFor = select.id;
  select.before(box);
  box.addEventListener("input", () => {
    const term = box.value.trim().toLowerCase();
    let first = null;
    let shown = 0;
    for (const option of select.options) {
      const words = option.dataset.search || option.text.toLowerCase();
      const match = !option.value || !term || words.includes(term);
      option.hidden = !match;
      if (match && option.value) { shown += 1; first = first || option; }
    }
    if (shown === 1) select.value = first.value;
  });
});

// Signed out (the login page, after a logout): the field app's copy of the villagers' records
// (fieldapp's store.js: IndexedDB "minxin-field", key "bootstrap") is forgotten, so whoever picks the
// phone up next cannot read it, offline either. Its queue of unsent records stays, each tagged with
// its author, who sends it on signing in again.
(() => {
  if (!("signedOut" in document.body.dataset) || !window.indexedDB) return;
  const request = indexedDB.open("minxin-field");
  request.onupgradeneeded = () => request.transaction.abort();  // no field app data here: create nothing
  request.onerror = () => {};
  request.onsuccess = () => {
    const db = request.result;
    if (!db.objectStoreNames.contains("meta")) { db.close(); return; }
    const tx = db.transaction("meta", "readwrite");
    tx.objectStore("meta").delete("bootstrap");
    tx.oncomplete = () => db.close();
  };
})();
