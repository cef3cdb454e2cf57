// kg's network page: search, filter by kind, neighbour highlight and a details panel.
// Data arrives as JSON; every text from it reaches the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var W = data.words;
  var MAX_RESULTS = 20;
  var LINK_WORDS = 12;  // a selected node with more links shows their words in the panel only
  var LARGE = 2000;  // links: above this, links hide while dragging and arrows follow the zoom
  var NO_LABEL = " ";  // vis-network keeps an old label when given "" or null
  var DIM = "rgba(200,200,200,0.35)";
  var selected = null;
  var labelled = {};  // the links whose words are shown, by id
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
  function fill(template, n) { return template.replace("{n}", String(n)); }

  var original = {};
  data.nodes.forEach(function (n) {
    original[n.id] = n.color;
    n.drawn = n.label;  // "" where another label had the place: shown when selected
    n.keys = [fold(n.full)].concat((n.names || []).map(fold));
  });
  // vis-network gets only what it draws a link with: on a national picture (100,000 links
  // and more) every extra option, and a blank label on every link, costs seconds.
  var linkById = {};
  data.edges.forEach(function (e) { linkById[e.id] = e; });
  function drawn(e) {
    var d = { id: e.id, from: e.from, to: e.to, title: e.title };
    if (e.smooth) d.smooth = e.smooth;
    return d;
  }
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges.map(drawn));
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  // Arrow heads on a large picture are drawn only when zoomed in far enough to see them: a
  // head is 10.5 units long (15 x scaleFactor 0.5 + 3 x width 1), under 3 pixels below a zoom
  // of 0.25, and on a national picture (zoom 0.05 when fitted) drawing 100,000 of them doubles
  // the time of every drawing. Switching them on or off costs one pass over the links.
  var ARROW_SCALE = 0.25;
  function arrows(shown) { return { to: { enabled: shown, scaleFactor: 0.5 } }; }
  var arrowsByZoom = data.edges.length > LARGE;
  var arrowsShown = !arrowsByZoom;
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.edges.length > LARGE, keyboard: { enabled: true, bindToWindow: false } },
    nodes: { font: { size: data.font, strokeWidth: 3, strokeColor: "#ffffff", color: "#1a1a1a" }, borderWidth: 1, scaling: { label: { enabled: false } } },
    edges: { arrows: arrows(arrowsShown), color: { color: "#9aa5b1", highlight: "#333333", hover: "#333333" }, smooth: false, font: { size: Math.round(data.font * 0.8), align: "middle", strokeWidth: 3, strokeColor: "#ffffff" }, width: 1 }
  });
  function arrowsForZoom() {
    var wanted = !arrowsByZoom || network.getScale() >= ARROW_SCALE;
    if (wanted === arrowsShown) return;
    arrowsShown = wanted;
    network.setOptions({ edges: { arrows: arrows(wanted) } });
  }
  network.on("zoom", arrowsForZoom);
  window.kgNetwork = network;
  window.kgReady = false;
  network.once("afterDrawing", function () {
    window.kgReadyAt = performance.now();  // since navigation started: the time to usable
    window.kgReady = true;
    document.body.setAttribute("data-ready", "true");
    setTimeout(arrowsForZoom, 0);  // a large picture fitted at a zoom where heads show
  });

  // --- legend and filter by kind --------------------------------------------------------
  var hiddenKinds = {};
  var kindBoxes = {};
  var kindsBox = document.getElementById("kinds");
  var byCommunity = data.colourBy === "community";
  data.kinds.forEach(function (k) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    if (k.hidden) hiddenKinds[k.key] = true;  // one click away: laws and instruments
    box.checked = !k.hidden;
    box.value = k.key;
    box.addEventListener("change", function () { setKindShown(k.key, box.checked); });
    kindBoxes[k.key] = box;
    var swatch = el("span", null, "swatch " + k.shape);
    swatch.style.background = byCommunity ? "#777777" : k.colour;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", k.label + " (" + k.count + ")"));
    kindsBox.appendChild(label);
  });
  if (data.communities.length) {
    var box = document.getElementById("communities");
    box.hidden = false;
    box.appendChild(el("p", W.colour_by_community, "hint"));
    data.communities.forEach(function (c) {
      var line = el("label");
      var swatch = el("span", null, "swatch dot");
      swatch.style.background = c.colour;
      line.appendChild(swatch);
      var name = c.number === null ? W.other_communities : W.community + " " + c.number;
      line.appendChild(el("span", name + " (" + c.count + ")"));
      box.appendChild(line);
    });
  }
  document.getElementById("size-by").textContent = W.size_by + ": " + data.sizeBy;
  if (data.marked) document.getElementById("marked").textContent = W.marked;

  // --- filters by status, place and domain: a node shows when its kind is shown and it
  // passes every filter; a place filter keeps what is there and who works with it.
  var chosen = {};
  var filtersBox = document.getElementById("filters");
  (data.filters || []).forEach(function (f) {
    var label = el("label", f.label);
    var pick = el("select");
    pick.id = "filter-" + f.key;
    pick.appendChild(el("option", W.everything)).value = "";
    f.values.forEach(function (v) { pick.appendChild(el("option", v)).value = v; });
    pick.addEventListener("change", function () { chosen[f.key] = pick.value; refresh(); });
    label.appendChild(pick);
    filtersBox.appendChild(label);
    filtersBox.hidden = false;
  });
  function has(n, key, value) {
    var v = n[key];
    return Array.isArray(v) ? v.indexOf(value) >= 0 : v === value;
  }
  function passes() {
    var ok = {};
    data.nodes.forEach(function (n) {
      ok[n.id] = !hiddenKinds[n.kind] && Object.keys(chosen).every(function (key) {
        var value = chosen[key];
        if (!value) return true;
        if (key === "status") return n.status === undefined || n.status === value;
        return has(n, key, value);
      });
    });
    if (chosen.places) {  // and the partners of what is there
      var near = {};
      data.edges.forEach(function (e) {
        if (ok[e.from] && !hiddenKinds[byId[e.to].kind]) near[e.to] = true;
        if (ok[e.to] && !hiddenKinds[byId[e.from].kind]) near[e.from] = true;
      });
      Object.keys(near).forEach(function (id) { ok[id] = true; });
    }
    return ok;
  }
  function refresh() {
    var ok = passes();
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: !ok[n.id] }; }));
    var visible = data.nodes.filter(function (n) { return ok[n.id]; });
    var ids = {};
    visible.forEach(function (n) { ids[n.id] = true; });
    document.getElementById("node-count").textContent = visible.length;
    document.getElementById("edge-count").textContent =
      data.edges.filter(function (e) { return ids[e.from] && ids[e.to]; }).length;
    if (selected !== null && !ok[selected]) clear();
    else if (selected !== null) showPanel(selected);
    if (input.value) showMatches();
  }

  function setKindShown(kind, shown) {
    hiddenKinds[kind] = !shown;
    kindBoxes[kind].checked = shown;
    refresh();
  }

  // --- selection: highlight neighbours and show the panel -------------------------------
  function neighbours(id) {
    var set = {};
    set[id] = true;
    network.getConnectedNodes(id).forEach(function (m) { set[m] = true; });
    return set;
  }
  function highlight(id) {
    var keep = id === null ? null : neighbours(id);
    nodes.update(data.nodes.map(function (n) {
      var lit = keep === null || keep[n.id];
      var label = n.id === id ? n.full : n.drawn;  // the neighbours' names are in the panel
      return { id: n.id, label: label, color: lit ? original[n.id] : DIM, font: { color: lit ? "#1a1a1a" : "#c4c4c4" } };
    }));
    // words on the selected node's links only, when they are few
    var connected = id === null ? [] : network.getConnectedEdges(id);
    if (connected.length > LINK_WORDS) connected = [];  // a hub: the panel lists them
    var now = {};
    connected.forEach(function (e) { now[e] = true; });
    var changes = connected.map(function (e) { return { id: e, label: linkById[e].words }; });
    Object.keys(labelled).forEach(function (e) {
      if (!now[e]) changes.push({ id: labelled[e], label: NO_LABEL });
    });
    labelled = {};
    connected.forEach(function (e) { labelled[e] = e; });
    edges.update(changes);
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

  function nodeButton(n) {
    var go = el("button", n.full);
    go.type = "button";
    go.addEventListener("click", function () { select(n.id, true); });
    return go;
  }

  function linkItem(edge, id) {
    var li = el("li");
    var outgoing = edge.from === id;
    var other = byId[outgoing ? edge.to : edge.from];
    var me = byId[id];
    if (outgoing) {
      li.appendChild(el("span", me.full + " · " + edge.words + " · "));
      li.appendChild(nodeButton(other));
    } else {
      li.appendChild(nodeButton(other));
      li.appendChild(el("span", " · " + edge.words + " · " + me.full));
    }
    if (hiddenKinds[other.kind]) li.appendChild(el("span", " (" + W.hidden + ")", "via"));
    if (edge.sources && edge.sources.length) {
      var names = edge.sources.map(function (i) { return data.sources[i].title; });
      li.appendChild(el("div", W.source_of_link + ": " + names.join("; "), "via"));
    }
    return li;
  }

  function showPanel(id) {
    var n = byId[id];
    var panel = document.getElementById("panel");
    document.getElementById("panel-label").textContent = n.full;
    document.getElementById("panel-kind").textContent = kindLabel[n.kind] || n.kind;
    document.getElementById("panel-iri").textContent = n.iri;
    var description = document.getElementById("panel-description");
    description.textContent = n.description || "";
    if (n.description_lang) {
      var language = (W.languages || {})[n.description_lang] || n.description_lang;
      description.appendChild(el("span", " " + W.written_in.replace("{language}", language), "via"));
    }
    var facts = document.getElementById("panel-facts");
    facts.replaceChildren();
    [["status", W.status], ["period", W.period_label], ["places", W.places], ["domains", W.domains]].forEach(function (f) {
      var value = n[f[0]];
      if (Array.isArray(value)) value = value.join(", ");
      if (!value) return;
      facts.appendChild(el("dt", f[1]));
      facts.appendChild(el("dd", value));
    });
    var links = document.getElementById("panel-links");
    links.replaceChildren();
    var own = network.getConnectedEdges(id).map(function (e) { return linkById[e]; });
    function other(e) { return byId[e.from === id ? e.to : e.from].full; }
    own.sort(function (a, b) { return (a.words + other(a)).localeCompare(b.words + other(b)); });
    own.forEach(function (e) { links.appendChild(linkItem(e, id)); });
    if (!own.length) links.appendChild(el("li", W.no_links));
    if (n.outside) links.appendChild(el("li", fill(W.outside, n.outside), "via"));
    var sources = document.getElementById("panel-sources");
    sources.replaceChildren();
    (n.sources || []).forEach(function (i) { sources.appendChild(sourceItem(i)); });
    if (!(n.sources || []).length) sources.appendChild(el("li", W.no_sources));
    panel.hidden = false;
  }

  function select(id, move) {
    var kind = byId[id].kind;
    if (hiddenKinds[kind]) setKindShown(kind, true);  // asked for by name: show its kind again
    selected = id;
    network.selectNodes([id]);
    highlight(id);
    showPanel(id);
    if (move) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
      arrowsForZoom();
    }
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
  document.getElementById("fit").addEventListener("click", function () {
    network.fit({ animation: false });
    arrowsForZoom();
  });

  // --- search: labels, other names (abbreviations, codes, other language) -----------------
  var input = document.getElementById("search");
  var results = document.getElementById("search-results");
  function matches(text) {
    var key = fold(text);
    if (!key) return [];
    var found = [];
    data.nodes.forEach(function (n) {
      var best = -1;
      n.keys.forEach(function (k, i) {
        var at = k.indexOf(key);
        if (at === -1) return;
        var score = (i === 0 ? 0 : 2) + (at === 0 ? 0 : 1) + (k === key ? -1 : 0);
        if (best === -1 || score < best) best = score;
      });
      if (best !== -1) found.push({ node: n, score: best });
    });
    found.sort(function (a, b) {
      return a.score - b.score || a.node.full.length - b.node.full.length || a.node.full.localeCompare(b.node.full);
    });
    return found.map(function (f) { return f.node; });
  }
  function showMatches() {
    results.replaceChildren();
    var found = matches(input.value);
    if (!found.length && fold(input.value)) results.appendChild(el("li", W.no_match));
    found.slice(0, MAX_RESULTS).forEach(function (n) {
      var li = el("li");
      li.appendChild(nodeButton(n));
      var note = " " + (kindLabel[n.kind] || n.kind) + (hiddenKinds[n.kind] ? ", " + W.hidden : "");
      li.appendChild(el("span", note, "kind"));
      results.appendChild(li);
    });
    if (found.length > MAX_RESULTS) results.appendChild(el("li", fill(W.more, found.length - MAX_RESULTS), "kind"));
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
