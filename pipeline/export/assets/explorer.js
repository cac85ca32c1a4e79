/* effikg explorer: filters, search, tooltips and details over a vis-network graph.
 *
 * Every string from the graph (labels, titles, evidence sentences) reaches the page through
 * textContent, never innerHTML, so an abstract holding "<script>" stays text.
 * State for tests and benchmarks is exposed as window.effikg.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("effikg-data").textContent);
  // A paper page sizes and ranks its nodes by their degree in the whole graph, and lists
  // their aliases, from the table papers/nodes.js sets (one file a build: the page stays
  // the same file while only other papers change); a node the table leaves out (the paper's
  // own: all its links are here), or every node without the table, keeps the page's figures.
  var table = data.nodeTable ? window.effikgNodes : undefined;
  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };
  if (table) {
    data.nodes.forEach(function (n) {
      var key = n.id.indexOf(table.prefix) === 0 ? n.id.slice(table.prefix.length) : n.id;
      if (has(table.degrees, key)) {
        n.degree = table.degrees[key];
        n.size = Math.round((10 + 5 * Math.sqrt(n.degree)) * 100) / 100; // as the corpus page's
      }
      n.aliases = has(table.aliases, key) ? table.aliases[key] : [];
    });
    data.nodes.slice().sort(function (a, b) {
      return b.degree - a.degree || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    }).forEach(function (n, i) { n.rank = i; });
  }
  var papers = data.papers;
  var classByName = {};
  data.classes.forEach(function (c) { classByName[c.name] = c; });
  var relationByName = {};
  data.relations.forEach(function (r) { relationByName[r.name] = r; });
  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });
  var edgesOf = {}; // node id -> its edges, both directions, for the details panel
  data.edges.forEach(function (e) {
    (edgesOf[e.from] = edgesOf[e.from] || []).push(e);
    if (e.to !== e.from) { (edgesOf[e.to] = edgesOf[e.to] || []).push(e); }
  });

  var state = {
    classes: new Set(data.classes.map(function (c) { return c.name; })),
    relations: new Set(data.relations.map(function (r) { return r.name; })),
    minSupport: 1,
    minConfidence: 0,
    topN: data.topN,
    hideOrphans: true,
    hideMethodless: data.hideMethodless, // on the corpus page: papers that propose no method have no edge: noise on the overview
    clusterBy: data.clusterBy, // "community", "kind" (hardware kind) or "none"
    opened: new Set(), // cluster groups the reader opened
    forced: new Set(), // nodes the search brought into view past the filters
  };

  // The address fragment: #top=N, #cluster=community|kind|none, #node=LABEL (select and focus),
  // #search=TEXT (fill the search).
  function readHash() {
    var params = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i <= 0) { return; }
      try { params[part.slice(0, i)] = decodeURIComponent(part.slice(i + 1).replace(/\+/g, " ")); }
      catch (err) { params[part.slice(0, i)] = part.slice(i + 1); }
    });
    return params;
  }
  var hash = readHash();
  if (/^\d+$/.test(hash.top || "")) { state.topN = parseInt(hash.top, 10); }
  if (["community", "kind", "none"].indexOf(hash.cluster) >= 0) { state.clusterBy = hash.cluster; }

  // ---- DOM helpers: text only -------------------------------------------------------------

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (className) { e.className = className; }
    return e;
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function link(text, href) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function fmt(x) {
    return typeof x === "number" ? (Math.round(x * 100) / 100).toString() : "n/a";
  }

  function className(n) {
    var c = classByName[n.cls];
    return c ? c.label : n.cls;
  }

  function paperName(iri) {
    var p = papers[iri];
    if (!p) { return iri; }
    var name = p.title || p.label;
    return p.arxiv ? name + " (arXiv:" + p.arxiv + ")" : name;
  }

  // ---- tooltips (DOM elements, which vis-network shows as given) ---------------------------

  function nodeTooltip(n) {
    var box = el("div");
    box.appendChild(el("div", n.cls === "Paper" && papers[n.paper] ? paperName(n.paper) : n.label, "t-head"));
    var meta = className(n) + (n.baseline && n.cls !== "Baseline" ? ", also a baseline" : "");
    box.appendChild(el("div", meta + " \u00b7 degree " + n.degree, "t-meta"));
    if (n.aliases.length) { box.appendChild(el("div", "Also written: " + n.aliases.join(", "))); }
    return box;
  }

  function paperLine(iri) {
    // The title, then its arXiv link written out: a tooltip vanishes before a click lands,
    // so the address must be readable (the details panel has the same link, clickable).
    var p = papers[iri];
    var line = el("div", "Paper: " + (p ? (p.title || p.label) : iri), "t-meta t-paper");
    var url = p ? safeUrl(p.url) : null;
    if (url) {
      line.appendChild(document.createTextNode(" "));
      line.appendChild(link((p.arxiv ? "arXiv:" + p.arxiv + " " : "") + "(" + url + ")", url));
    }
    return line;
  }

  var TOOLTIP_CLAIMS = 3;

  function edgeTooltip(e) {
    var box = el("div");
    var from = nodeById[e.from], to = nodeById[e.to];
    box.appendChild(el("div", from.label + " " + e.relation + " " + to.label, "t-head"));
    if (e.relation !== "proposes") {
      box.appendChild(el("div", "support " + e.support + " paper" + (e.support === 1 ? "" : "s") +
        " \u00b7 confidence " + fmt(e.confidence), "t-meta"));
    }
    if (e.figures.length) { box.appendChild(el("div", "Figures: " + e.figures.join(", "), "t-meta")); }
    e.claims.slice(0, TOOLTIP_CLAIMS).forEach(function (c) {
      if (c.evidence) { box.appendChild(el("blockquote", c.evidence)); }
      if (c.figure) { box.appendChild(el("div", "Figure: " + c.figure)); }
      if (c.paper) { box.appendChild(paperLine(c.paper)); }
    });
    if (e.claims.length > TOOLTIP_CLAIMS) {
      box.appendChild(el("div", "+ " + (e.claims.length - TOOLTIP_CLAIMS) + " more: click the edge", "t-meta"));
    }
    return box;
  }

  // ---- data sets and the filters over them ------------------------------------------------

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    return Object.assign({}, n, { title: nodeTooltip(n) });
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    return Object.assign({}, e, { title: edgeTooltip(e) });
  }));

  var visibleNodes = new Set();
  var visibleEdges = new Set();

  function computeVisibility() {
    var base = new Set();
    data.nodes.forEach(function (n) {
      var inTop = state.topN <= 0 || n.rank < state.topN;
      var shown = state.classes.has(n.cls) && inTop && !(state.hideMethodless && n.noMethod);
      if (shown || state.forced.has(n.id)) { base.add(n.id); }
    });
    // A node the edge filters strip of all its edges is hidden (if asked); one that the class
    // and top-N cuts leave alone is not, or the top N would vanish when not linked together.
    var withEdges = new Set();
    var hadEdges = new Set();
    visibleEdges = new Set();
    data.edges.forEach(function (e) {
      if (!base.has(e.from) || !base.has(e.to)) { return; }
      hadEdges.add(e.from);
      hadEdges.add(e.to);
      if (state.relations.has(e.relation) && e.support >= state.minSupport &&
          (e.confidence === null || e.confidence >= state.minConfidence)) {
        visibleEdges.add(e.id);
        withEdges.add(e.from);
        withEdges.add(e.to);
      }
    });
    visibleNodes = new Set();
    base.forEach(function (id) {
      if (!state.hideOrphans || !hadEdges.has(id) || withEdges.has(id) || state.forced.has(id)) {
        visibleNodes.add(id);
      }
    });
  }
  computeVisibility();

  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visibleNodes.has(n.id); } });
  var edgeView = new vis.DataView(edges, { filter: function (e) { return visibleEdges.has(e.id); } });

  // ---- the network ------------------------------------------------------------------------

  var container = document.getElementById("graph");
  var started = performance.now();
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);
  var effikg = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    state: state, stabilized: false, stabilizeMs: null, focused: null,
    counts: function () {
      return { nodes: network.body.nodeIndices.length, edges: network.body.edgeIndices.length };
    },
    clusters: function () {
      return network.body.nodeIndices.filter(function (id) { return network.isCluster(id); }).sort();
    },
  };
  window.effikg = effikg;

  var layoutStatus = document.getElementById("layout-status");

  var cutShort = false;

  function markStable() {
    // Physics off once the layout has settled: a large graph stays responsive (pyvis #204).
    network.setOptions({ physics: { enabled: false } });
    effikg.stabilizeMs = Math.round(performance.now() - started);
    effikg.stabilized = true;
    effikg.cutShort = cutShort;
    layoutStatus.textContent = (cutShort ? "Layout stopped at its time limit after " : "Layout settled in ") +
      (effikg.stabilizeMs / 1000).toFixed(1) + " s; physics off." + (cutShort ? " Drag nodes to tidy up." : "");
    if (!hashApplied) {
      // Focus a #node= only once the nodes have their places (a relayout it causes ends here again).
      hashApplied = true;
      applyHash(hash);
    }
  }
  var hashApplied = false;

  network.on("stabilizationProgress", function (p) {
    layoutStatus.textContent = "Laying out\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
    if (!cutShort && data.layoutBudgetMs > 0 && performance.now() - started > data.layoutBudgetMs) {
      // Out of time: freeze the layout as it stands; vis-network then ends the stabilisation.
      cutShort = true;
      network.stopSimulation();
    }
  });
  network.on("stabilizationIterationsDone", markStable);

  function relayout() {
    // Newly shown nodes need places: run the physics again until it settles.
    effikg.stabilized = false;
    cutShort = false;
    started = performance.now();
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(data.options.physics.stabilization.iterations);
  }

  function refresh() {
    var before = new Set(visibleNodes);
    computeVisibility();
    openAllClusters();
    nodeView.refresh();
    edgeView.refresh();
    applyClusters();
    updateCounts();
    var added = false;
    visibleNodes.forEach(function (id) { if (!before.has(id)) { added = true; } });
    if (added && effikg.stabilized) { relayout(); }
  }

  // ---- clusters: a community or a hardware kind folded into one node, opened by a click -----

  var hardwareClasses = new Set(data.hardwareClasses);

  function groupKey(n) {
    if (state.clusterBy === "community") { return "community:" + n.community; }
    if (state.clusterBy === "kind" && hardwareClasses.has(n.cls)) { return "kind:" + n.cls; }
    return null;
  }

  function byDegree(a, b) {
    return b.degree - a.degree || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  }

  function clusterLabel(members) {
    // A community is named by its best-linked member, a paper only when it holds nothing else.
    if (state.clusterBy === "kind") { return className(members[0]) + " (" + members.length + ")"; }
    var sorted = members.slice().sort(byDegree);
    var top = sorted.filter(function (m) { return m.cls !== "Paper"; })[0] || sorted[0];
    return top.label + " + " + (members.length - 1) + " more";
  }

  function clusterTooltip(members) {
    var box = el("div");
    var kind = state.clusterBy === "kind" ? className(members[0]) : "Community";
    box.appendChild(el("div", kind + ": " + members.length + " nodes", "t-head"));
    var names = members.slice().sort(byDegree).slice(0, 8).map(function (m) { return m.label; });
    box.appendChild(el("div", names.join(", ") + (members.length > 8 ? ", \u2026" : "")));
    box.appendChild(el("div", "Click to open the cluster.", "t-meta"));
    return box;
  }

  function openAllClusters() {
    network.body.nodeIndices.slice().forEach(function (id) {
      if (network.isCluster(id)) { network.openCluster(id); }
    });
  }

  // A community of two (a paper and its method) is not worth folding; a hardware kind of two is.
  var MIN_MEMBERS = { community: 3, kind: 2 };

  function applyClusters() {
    // Every group of shown nodes the reader has not opened becomes one node, if big enough.
    var groups = {};
    data.nodes.forEach(function (n) {
      var key = visibleNodes.has(n.id) ? groupKey(n) : null;
      if (key !== null && !state.opened.has(key)) { (groups[key] = groups[key] || []).push(n); }
    });
    Object.keys(groups).sort().forEach(function (key) {
      var members = groups[key];
      if (members.length < MIN_MEMBERS[state.clusterBy]) { return; }
      var ids = new Set(members.map(function (m) { return m.id; }));
      network.cluster({
        joinCondition: function (o) { return ids.has(o.id); },
        clusterNodeProperties: {
          id: "cluster:" + key, groupKey: key, label: clusterLabel(members), title: clusterTooltip(members),
          shape: "ellipse", borderWidth: 2, font: { size: 14 },
          color: { background: "#eeeeee", border: "#777777", highlight: { background: "#dddddd", border: "#333333" } },
        },
        // The edges a cluster gathers keep their colour and hover, not their labels: unreadable in a bundle.
        clusterEdgeProperties: { label: "" },
      });
    });
  }

  function openGroup(clusterId) {
    state.opened.add(network.body.nodes[clusterId].options.groupKey);
    network.openCluster(clusterId);
    updateCounts();
    if (effikg.stabilized) { relayout(); }
  }

  function setClusterBy(mode) {
    openAllClusters();
    state.clusterBy = mode;
    state.opened = new Set();
    applyClusters();
    updateCounts();
    if (effikg.stabilized) { relayout(); }
  }
  effikg.setClusterBy = setClusterBy;
  var clusterBy = document.getElementById("cluster-by");
  clusterBy.value = state.clusterBy;
  clusterBy.addEventListener("change", function () { setClusterBy(clusterBy.value); });
  applyClusters();

  // ---- counts and legend ------------------------------------------------------------------

  var countsLine = document.getElementById("counts");

  function updateCounts() {
    var text = "Showing " + visibleNodes.size + " of " + data.nodes.length + " nodes, " +
      visibleEdges.size + " of " + data.edges.length + " edges.";
    var clusters = effikg.clusters().length;
    if (clusters) { text += " " + clusters + " cluster" + (clusters === 1 ? "" : "s") + ": click one to open it."; }
    var methodless = data.nodes.filter(function (n) { return n.noMethod; }).length;
    if (state.hideMethodless && methodless) {
      text += " " + methodless + " paper" + (methodless === 1 ? "" : "s") + " proposing no method hidden.";
    }
    if (state.topN > 0 && state.topN < data.nodes.length) {
      text += " Only the top " + state.topN + " nodes by degree are shown; set N to 0 to see all.";
    }
    countsLine.textContent = text;
  }

  var SVG = "http://www.w3.org/2000/svg";

  function swatch(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    var s;
    var polygons = {
      triangle: "8,1.5 15,14.5 1,14.5",
      triangleDown: "1,1.5 15,1.5 8,14.5",
      diamond: "8,1 15,8 8,15 1,8",
      hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,0.5 10,6 15.5,6 11,9.5 13,15 8,11.5 3,15 5,9.5 0.5,6 6,6",
    };
    if (shape === "line") {
      s = document.createElementNS(SVG, "line");
      [["x1", "0"], ["y1", "8"], ["x2", "16"], ["y2", "8"], ["stroke-width", "3"]].forEach(function (a) {
        s.setAttribute(a[0], a[1]);
      });
      s.setAttribute("stroke", color);
    } else if (polygons[shape]) {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", polygons[shape]);
    } else if (shape === "square" || shape === "box") {
      s = document.createElementNS(SVG, "rect");
      [["x", "2"], ["y", "2"], ["width", "12"], ["height", "12"]].forEach(function (a) { s.setAttribute(a[0], a[1]); });
    } else {
      s = document.createElementNS(SVG, "circle");
      [["cx", "8"], ["cy", "8"], ["r", "6.5"]].forEach(function (a) { s.setAttribute(a[0], a[1]); });
    }
    if (shape !== "line") {
      s.setAttribute("fill", color);
      s.setAttribute("stroke", "#555");
      s.setAttribute("stroke-width", "0.6");
    }
    svg.appendChild(s);
    return svg;
  }

  function legendRow(list, key, name, label, shape, color, count, enabled) {
    var li = el("li");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    box.dataset[key] = name;
    box.addEventListener("change", function () {
      if (box.checked) { enabled.add(name); } else { enabled.delete(name); }
      refresh();
    });
    li.appendChild(box);
    li.appendChild(swatch(shape, color));
    li.appendChild(el("span", label));
    li.appendChild(el("span", count, "count"));
    list.appendChild(li);
  }

  var classLegend = document.getElementById("class-legend");
  data.classes.forEach(function (c) {
    legendRow(classLegend, "cls", c.name, c.label, c.shape, c.color, c.count, state.classes);
  });
  var relationLegend = document.getElementById("relation-legend");
  data.relations.forEach(function (r) {
    legendRow(relationLegend, "relation", r.name, r.name, "line", r.color, r.count, state.relations);
  });

  function codeSwatch(code) {
    // A small drawing of each visual code the "How to read it" list explains.
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 24 16");
    var shapes = {
      size: [["circle", { cx: "4", cy: "8", r: "3", fill: "#1f77b4" }], ["circle", { cx: "16", cy: "8", r: "7", fill: "#1f77b4" }]],
      dashed: [["circle", { cx: "12", cy: "8", r: "6.5", fill: "#1f77b4", stroke: "#222", "stroke-width": "1.5",
                            "stroke-dasharray": "3 2" }]],
      arrow: [["line", { x1: "1", y1: "8", x2: "18", y2: "8", stroke: "#444", "stroke-width": "1.5" }],
              ["polygon", { points: "17,4 23,8 17,12", fill: "#444" }]],
      label: [["text", { x: "0", y: "12", "font-size": "9", fill: "#444" }, "2.3\u00d7"]],
      width: [["line", { x1: "0", y1: "4", x2: "24", y2: "4", stroke: "#888", "stroke-width": "1" }],
              ["line", { x1: "0", y1: "11", x2: "24", y2: "11", stroke: "#888", "stroke-width": "4" }]],
      cluster: [["ellipse", { cx: "12", cy: "8", rx: "11", ry: "6.5", fill: "#eeeeee", stroke: "#777", "stroke-width": "1.5" }]],
    };
    (shapes[code] || []).forEach(function (spec) {
      var s = document.createElementNS(SVG, spec[0]);
      Object.keys(spec[1]).forEach(function (k) { s.setAttribute(k, spec[1][k]); });
      if (spec[2]) { s.textContent = spec[2]; }
      svg.appendChild(s);
    });
    return svg;
  }

  var codeLegend = document.getElementById("code-legend");
  data.codes.forEach(function (c) {
    var li = el("li");
    li.dataset.code = c.code;
    li.appendChild(codeSwatch(c.code));
    li.appendChild(el("span", c.label));
    codeLegend.appendChild(li);
  });

  // ---- numeric filters --------------------------------------------------------------------

  // The support slider is only on pages where some triple has more than one paper.
  var minSupport = document.getElementById("min-support");
  var minSupportValue = document.getElementById("min-support-value");
  if (minSupport) {
    minSupport.max = String(Math.max(1, data.maxSupport));
    minSupport.addEventListener("input", function () {
      state.minSupport = parseInt(minSupport.value, 10);
      minSupportValue.textContent = minSupport.value;
      refresh();
    });
  }
  var minConfidence = document.getElementById("min-confidence");
  var minConfidenceValue = document.getElementById("min-confidence-value");
  minConfidence.addEventListener("input", function () {
    state.minConfidence = parseFloat(minConfidence.value);
    minConfidenceValue.textContent = state.minConfidence.toFixed(2);
    refresh();
  });
  var topN = document.getElementById("top-n");
  topN.value = String(state.topN);
  topN.max = String(data.nodes.length);
  topN.addEventListener("change", function () {
    var n = parseInt(topN.value, 10);
    state.topN = isNaN(n) || n < 0 ? 0 : n;
    refresh();
  });
  var hideOrphans = document.getElementById("hide-orphans");
  hideOrphans.addEventListener("change", function () {
    state.hideOrphans = hideOrphans.checked;
    refresh();
  });
  var hideMethodless = document.getElementById("hide-methodless");
  if (hideMethodless) {
    hideMethodless.addEventListener("change", function () {
      state.hideMethodless = hideMethodless.checked;
      refresh();
    });
  }

  var paperSelect = document.getElementById("paper-select");
  if (paperSelect) {
    paperSelect.addEventListener("change", function () {
      if (paperSelect.value) { window.location.href = paperSelect.value; }
    });
  }

  // ---- details panel ----------------------------------------------------------------------

  var details = document.getElementById("details");

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function term(dl, name, value) {
    if (value === undefined || value === null || value === "") { return; }
    dl.appendChild(el("dt", name));
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
    dl.appendChild(dd);
  }

  function paperBlock(iri) {
    var p = papers[iri];
    var span = el("span");
    span.appendChild(el("span", p ? (p.title || p.label) : iri));
    if (!p) { return span; }
    var url = safeUrl(p.url);
    if (p.arxiv && url) {
      span.appendChild(document.createTextNode(" "));
      span.appendChild(link("arXiv:" + p.arxiv, url));
    }
    if (p.page) {
      span.appendChild(document.createTextNode(" \u00b7 "));
      span.appendChild(link("paper view", p.page));
    }
    return span;
  }

  function showNode(id) {
    var n = nodeById[id];
    clear(details);
    details.appendChild(el("h3", n.label));
    var dl = el("dl");
    term(dl, "Class", className(n) + (n.baseline && n.cls !== "Baseline" ? " (also a baseline)" : ""));
    if (n.aliases.length) { term(dl, "Also written", n.aliases.join(", ")); }
    term(dl, "Degree", n.degree);
    term(dl, "IRI", n.iri);
    if (n.paper && papers[n.paper]) {
      var p = papers[n.paper];
      term(dl, "Paper", paperBlock(n.paper));
      term(dl, "Date", p.date);
      term(dl, "Venue", p.venue);
      var code = safeUrl(p.code);
      if (code) { term(dl, "Code", link(code, code)); }
    }
    details.appendChild(dl);
    details.appendChild(linkList(id));
  }

  var PASSIVE = { proposes: "proposed by", targets: "targeted by", improves: "improved by",
                  outperforms: "outperformed by" };
  var MAX_LINKS = 60;

  function linkList(id) {
    // What the node is linked to, each entry a way to walk the graph: a click focuses it.
    var rows = (edgesOf[id] || []).map(function (e) {
      var out = e.from === id;
      var other = nodeById[out ? e.to : e.from];
      var verb = out ? e.relation : (PASSIVE[e.relation] || e.relation + " (from)");
      return { verb: verb, other: other, support: e.support, out: out };
    });
    rows.sort(function (a, b) {
      return (a.out === b.out ? 0 : a.out ? -1 : 1) || (a.verb < b.verb ? -1 : a.verb > b.verb ? 1 : 0) ||
        (a.other.label < b.other.label ? -1 : a.other.label > b.other.label ? 1 : 0);
    });
    var box = el("div", null, "links");
    if (!rows.length) { return box; }
    box.appendChild(el("h4", "Links (" + rows.length + ")"));
    var ul = el("ul");
    rows.slice(0, MAX_LINKS).forEach(function (r) {
      var li = el("li");
      li.appendChild(el("span", r.verb + " ", "verb"));
      var a = el("a", r.other.cls === "Paper" && papers[r.other.paper] ? paperName(r.other.paper) : r.other.label);
      a.href = "#";
      a.dataset.node = r.other.id;
      a.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(r.other.id); });
      li.appendChild(a);
      if (r.support > 1) { li.appendChild(el("span", " (" + r.support + " papers)", "count")); }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (rows.length > MAX_LINKS) { box.appendChild(el("p", "+ " + (rows.length - MAX_LINKS) + " more", "hint")); }
    return box;
  }

  function showEdge(id) {
    var e = edges.get(id);
    var from = nodeById[e.from], to = nodeById[e.to];
    clear(details);
    details.appendChild(el("h3", from.label + " " + e.relation + " " + to.label));
    var dl = el("dl");
    if (e.relation !== "proposes") {
      term(dl, "Support", e.support + " paper" + (e.support === 1 ? "" : "s"));
      term(dl, "Confidence", fmt(e.confidence));
    }
    details.appendChild(dl);
    e.claims.forEach(function (c) {
      var div = el("div", null, "claim");
      if (c.evidence) { div.appendChild(el("blockquote", c.evidence)); }
      if (c.figure) { div.appendChild(el("div", "Figure: " + c.figure)); }
      if (c.paper) { div.appendChild(paperBlock(c.paper)); }
      details.appendChild(div);
    });
  }

  network.on("click", function (params) {
    if (params.nodes.length && network.isCluster(params.nodes[0])) { openGroup(params.nodes[0]); }
    else if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  // ---- search -----------------------------------------------------------------------------

  function norm(s) { return String(s).toLowerCase().replace(/\s+/g, " ").trim(); }

  var index = data.nodes.map(function (n) {
    return { id: n.id, label: norm(n.label), aliases: n.aliases.map(norm), degree: n.degree };
  });

  function findNodes(query) {
    var q = norm(query);
    if (!q) { return []; }
    var hits = [];
    index.forEach(function (entry) {
      var score = -1;
      if (entry.label === q) { score = 0; }
      else if (entry.aliases.indexOf(q) >= 0) { score = 1; }
      else if (entry.label.indexOf(q) === 0) { score = 2; }
      else if (entry.aliases.some(function (a) { return a.indexOf(q) === 0; })) { score = 3; }
      else if (entry.label.indexOf(q) > 0) { score = 4; }
      else if (entry.aliases.some(function (a) { return a.indexOf(q) > 0; })) { score = 5; }
      if (score >= 0) { hits.push({ id: entry.id, score: score, degree: entry.degree, label: entry.label }); }
    });
    hits.sort(function (a, b) {
      return a.score - b.score || b.degree - a.degree || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    });
    return hits.map(function (h) { return h.id; });
  }

  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var searchStatus = document.getElementById("search-status");
  var MAX_RESULTS = 12;

  function focusNode(id) {
    if (!visibleNodes.has(id)) {
      state.forced.add(id);
      refresh();
    }
    var path = network.findNode(id);
    if (path.length > 1) { openGroup(path[0]); } // inside a cluster: open it
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    effikg.focused = id;
    searchStatus.textContent = "Found: " + nodeById[id].label;
    showNode(id);
  }
  effikg.focusNode = focusNode;
  effikg.findNodes = findNodes;

  function showResults() {
    clear(results);
    var hits = findNodes(search.value);
    if (!search.value.trim()) { searchStatus.textContent = ""; return hits; }
    searchStatus.textContent = hits.length ? hits.length + " match" + (hits.length === 1 ? "" : "es") +
      "; Enter focuses the first." : "No node has that label or alias.";
    hits.slice(0, MAX_RESULTS).forEach(function (id) {
      var n = nodeById[id];
      var li = el("li");
      li.appendChild(el("span", n.label));
      li.appendChild(el("span", " " + className(n), "type"));
      li.addEventListener("click", function () { focusNode(id); });
      results.appendChild(li);
    });
    return hits;
  }

  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") { return; }
    ev.preventDefault();
    var hits = showResults();
    if (hits.length) { focusNode(hits[0]); }
  });

  function applyHash(params) {
    if (params.search !== undefined) {
      search.value = params.search;
      showResults();
    }
    if (params.node !== undefined) {
      var hits = findNodes(params.node);
      if (hits.length) { focusNode(hits[0]); }
      else { searchStatus.textContent = "No node is called " + params.node + "."; }
    }
  }
  window.addEventListener("hashchange", function () { applyHash(readHash()); });

  updateCounts();
  if (nodeView.length === 0) { markStable(); }
})();
