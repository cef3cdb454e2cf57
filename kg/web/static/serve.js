// kg serve: suggestions under the search box (keyboard: arrows, Enter, Escape). Text from
// the server reaches the page through textContent only.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list) return;
  var active = -1, items = [], timer = null;
  function close() {
    list.hidden = true; list.replaceChildren(); active = -1; items = [];
    input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
  }
  function mark(i) {
    items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
    active = i;
    if (i >= 0) input.setAttribute("aria-activedescendant", items[i].id);
  }
  function show(hits) {
    list.replaceChildren();
    items = hits.map(function (hit, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "suggestion-" + i;
      li.textContent = hit.label + (hit.kind ? " · " + hit.kind : "");
      li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = hit.href; });
      list.appendChild(li);
      return li;
    });
    list.hidden = !items.length;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    active = -1;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2) { close(); return; }
    timer = setTimeout(function () {
      var url = input.dataset.suggest + "?q=" + encodeURIComponent(text) + "&lang=" + encodeURIComponent(input.dataset.lang);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { if (input.value.trim() === text) show(hits); })
        .catch(close);
    }, 120);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { mark(Math.min(active + 1, items.length - 1)); e.preventDefault(); }
    else if (e.key === "ArrowUp") { mark(Math.max(active - 1, 0)); e.preventDefault(); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); items[active].dispatchEvent(new MouseEvent("mousedown")); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
