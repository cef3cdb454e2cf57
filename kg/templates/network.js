// kg's network page: search, filter by kind, neighbour highlight and a details panel.
// Data arrives as JSON; every text from it reaches the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var W = data.words;
  var kindLabel = {};
  data.kinds.forEach(function (k) { kindLabel[k.key] = k.label; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  var original = {};
  data.nodes.forEach(function (n) {
    original[n.id] = n.color;
    n.searchKey = fold(n.label);
  });
  data.edges.forEach(function (e) {
    if (data.labelAllLinks) e.label = e.words;
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.edges.length > 2000, keyboard: { enabled: true, bindToWindow: false } },
    nodes: { font: { size: 14, strokeWidth: 3, strokeColor: "#ffffff" }, borderWidth: 1, scaling: { label: { enabled: false } } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, color: { color: "#9aa5b1", highlight: "#333333", hover: "#333333" }, smooth: false, font: { size: 11, align: "middle", strokeWidth: 3, strokeColor: "#ffffff" }, width: 1 }
  });
  window.kgNetwork = network;
  window.kgReady = false;
  network.once("afterDrawing", function () {
    window.kgReadyAt = performance.now();  // since navigation started: the time to usable
    window.kgReady = true;
    document.body.setAttribute("data-ready", "true");
  });

  // --- legend and filter by kind --------------------------------------------------------
  var hiddenKinds = {};
  var kindsBox = document.getElementById("kinds");
  data.kinds.forEach(function (k) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = k.key;
    box.addEventListener("change", function () {
      hiddenKinds[k.key] = !box.checked;
      applyVisibility();
    });
    var swatch = el("span", null, "swatch " + k.shape);
    swatch.style.background = k.colour;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", k.label + " (" + k.count + ")"));
    kindsBox.appendChild(label);
  });
  if (data.communities.length) {
    var box = document.getElementById("communities");
    box.hidden = false;
    data.communities.forEach(function (c) {
      var line = el("label");
      var swatch = el("span", null, "swatch dot");
      swatch.style.background = c.colour;
      line.appendChild(swatch);
      line.appendChild(el("span", W.community + " " + c.number + " (" + c.count + ")"));
      box.appendChild(line);
    });
  }
  document.getElementById("size-by").textContent = W.size_by + ": " + data.sizeBy;

  function applyVisibility() {
    var updates = data.nodes.map(function (n) { return { id: n.id, hidden: !!hiddenKinds[n.kind] }; });
    nodes.update(updates);
  }

  // --- selection: highlight neighbours and show the panel -------------------------------
  var selected = null;
  function neighbours(id) {
    var set = {};
    set[id] = true;
    network.getConnectedNodes(id).forEach(function (m) { set[m] = true; });
    return set;
  }
  function highlight(id) {
    var keep = id === null ? null : neighbours(id);
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, color: keep === null || keep[n.id] ? original[n.id] : "rgba(200,200,200,0.35)" };
    }));
    if (!data.labelAllLinks) {
      var connected = {};
      if (id !== null) network.getConnectedEdges(id).forEach(function (e) { connected[e] = true; });
      edges.update(data.edges.map(function (e) { return { id: e.id, label: connected[e.id] ? e.words : "" }; }));
    }
  }

  function sourceItem(index) {
    var s = data.sources[index];
    var li = el("li");
    if (s.page && /^https?:\/\//i.test(s.page)) {
      var a = el("a", s.title);
      a.href = s.page;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      li.appendChild(a);
    } else {
      li.appendChild(el("span", s.title));
    }
    return li;
  }

  function linkItem(edge, id) {
    var li = el("li");
    var outgoing = edge.from === id;
    var other = byId[outgoing ? edge.to : edge.from];
    var me = byId[id];
    var go = el("button", other.label);
    go.type = "button";
    go.addEventListener("click", function () { select(other.id, true); });
    if (outgoing) {
      li.appendChild(el("span", me.label + " · " + edge.words + " · "));
      li.appendChild(go);
    } else {
      li.appendChild(go);
      li.appendChild(el("span", " · " + edge.words + " · " + me.label));
    }
    if (edge.sources && edge.sources.length) {
      var names = edge.sources.map(function (i) { return data.sources[i].title; });
      li.appendChild(el("div", W.source_of_link + ": " + names.join("; "), "via"));
    }
    return li;
  }

  function showPanel(id) {
    var n = byId[id];
    var panel = document.getElementById("panel");
    document.getElementById("panel-label").textContent = n.label;
    document.getElementById("panel-kind").textContent = kindLabel[n.kind] || n.kind;
    document.getElementById("panel-iri").textContent = n.iri;
    document.getElementById("panel-description").textContent = n.description || "";
    var links = document.getElementById("panel-links");
    links.replaceChildren();
    var own = network.getConnectedEdges(id).map(function (e) { return edges.get(e); });
    own.sort(function (a, b) {
      return (a.words + byId[a.from === id ? a.to : a.from].label).localeCompare(b.words + byId[b.from === id ? b.to : b.from].label);
    });
    own.forEach(function (e) { links.appendChild(linkItem(e, id)); });
    if (!own.length) links.appendChild(el("li", W.no_links));
    var sources = document.getElementById("panel-sources");
    sources.replaceChildren();
    (n.sources || []).forEach(function (i) { sources.appendChild(sourceItem(i)); });
    if (!(n.sources || []).length) sources.appendChild(el("li", W.no_sources));
    panel.hidden = false;
  }

  function select(id, move) {
    selected = id;
    network.selectNodes([id]);
    highlight(id);
    showPanel(id);
    if (move) network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
  }
  function clear() {
    selected = null;
    network.unselectAll();
    highlight(null);
    document.getElementById("panel").hidden = true;
  }

  network.on("click", function (params) {
    if (params.nodes.length) select(params.nodes[0], false);
    else if (!params.edges.length) clear();
  });
  document.getElementById("close").addEventListener("click", clear);
  document.getElementById("reset").addEventListener("click", clear);
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });

  // --- search -----------------------------------------------------------------------------
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  function matches(text) {
    var key = fold(text);
    if (!key) return [];
    var found = data.nodes.filter(function (n) { return n.searchKey.indexOf(key) !== -1 && !hiddenKinds[n.kind]; });
    found.sort(function (a, b) {
      var pa = a.searchKey.indexOf(key) === 0 ? 0 : 1, pb = b.searchKey.indexOf(key) === 0 ? 0 : 1;
      return pa - pb || a.label.length - b.label.length || a.label.localeCompare(b.label);
    });
    return found.slice(0, 20);
  }
  function showMatches() {
    results.replaceChildren();
    var found = matches(input.value);
    if (!found.length && fold(input.value)) results.appendChild(el("li", W.no_match));
    found.forEach(function (n) {
      var li = el("li");
      var b = el("button", n.label);
      b.type = "button";
      b.addEventListener("click", function () { select(n.id, true); });
      li.appendChild(b);
      li.appendChild(el("span", " " + (kindLabel[n.kind] || n.kind), "kind"));
      results.appendChild(li);
    });
  }
  input.addEventListener("input", showMatches);
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = matches(input.value);
    if (found.length) select(found[0].id, true);
  });

  var focused = data.nodes.filter(function (n) { return n.borderWidth === 4; });
  if (focused.length === 1) select(focused[0].id, false);
})();
