/* autodiff lab: checking a formula. The box above the derivation, labelled with what it answers
   (∂Loss/∂b_1 =), a placeholder in the graph's own names, the checker's verdict beside it as the
   learner types (debounced), the derivation folded while the box has text, and the marks the
   verdict puts on the drawing: paths accounted for, missed, and the edge of a wrong factor. */
(function () {
  "use strict";
  var L = window.autodiffLab;
  var $ = L.$, tr = L.tr, el = L.el, full = L.full, api = L.api;
  var state = L.state;

  /* --- checking a formula: the box above the derivation, which folds while the box has text */
  L.formulaLabel = formulaLabel;
  function formulaLabel() {
    var n = state.selected && state.nodes[state.selected];
    var root = state.graph ? (state.graph.root_name || tr("the output")) : "";
    $("formula-lhs").textContent = n ? "∂" + root + "/∂" + (n.label ? n.label : n.id) + " =" :
      tr("Pick a node to check a formula for its gradient");
    $("check-box").dataset.node = n ? n.id : "";
  }
  L.formulaPlaceholder = formulaPlaceholder;
  function formulaPlaceholder() {  /* an example in this graph's own names, never the answer */
    var named = state.graph.nodes.filter(function (n) { return n.name !== null && n.id !== state.graph.root; });
    var inner = named.filter(function (n) { return !n.leaf; }).map(function (n) { return n.name; });
    var leaves = named.filter(function (n) { return n.leaf; }).map(function (n) { return n.name; });
    var a = inner[inner.length - 1] || leaves[0] || "x", b = leaves[leaves.length - 1] || "2";
    $("formula").setAttribute("placeholder", tr("e.g. {example}", { example: a === b ? "2*" + a : a + "*(1-" + b + ")" }));
  }
  L.fold = fold;
  function fold() {  /* the derivation gives the answer away: folded while the box has text, unless asked for */
    var typed = !!$("formula").value.trim() && !!state.selected;
    var hidden = typed && !state.revealed;
    $("derivation-body").hidden = hidden;
    $("show-derivation").hidden = !typed;
    $("show-derivation").textContent = hidden ? tr("Show derivation") : tr("Hide derivation");
    $("show-derivation").setAttribute("aria-expanded", hidden ? "false" : "true");
  }
  L.clearVerdict = clearVerdict;
  function clearVerdict() {
    var v = $("verdict");
    v.textContent = "";
    ["ok", "accounted", "missed", "position", "formula", "off"].forEach(function (k) { delete v.dataset[k]; });
  }
  function scheduleCheck() {
    clearTimeout(state.checkTimer);
    fold();
    state.checkTimer = setTimeout(check, 250);
  }
  L.check = check;
  function check() {
    var formula = $("formula").value;
    if (!state.selected || !state.graph) { return Promise.resolve(); }
    L.keep();
    if (!formula.trim()) { clearVerdict(); fold(); if (state.explanation) { L.renderDerivation(state.explanation); } return Promise.resolve(); }
    var seq = ++state.checkSeq;
    var started = performance.now();
    return api("POST", "/api/check", { graph: state.graph.graph, node: state.selected, formula: formula }).then(function (r) {
      if (seq !== state.checkSeq) { return; }
      var v = $("verdict");
      clearVerdict();
      if (!r.ok) { v.appendChild(el("p", { "class": "error" }, [r.data.message])); return; }
      var c = r.data;
      L.clearClass("path-on"); L.clearClass("path-missed"); L.clearClass("path-hover"); L.clearClass("factor-off"); L.clearTags();
      $("formula").removeAttribute("aria-invalid");
      if (c.error) {
        $("formula").setAttribute("aria-invalid", "true");
        v.appendChild(el("p", { "class": "wrong" }, [typeof c.error.position === "number" ?
          tr("Cannot read the formula: {message} (at position {position})",
             { message: c.error.message, position: c.error.position + 1 }) :  /* the text counts from 1 */
          tr("Cannot read the formula: {message}", c.error)]));
        if (typeof c.error.position === "number") {
          v.appendChild(el("div", { "class": "caret" }, [formula + "\n" + " ".repeat(c.error.position) + "^"]));
        }
        v.dataset.position = String(c.error.position);
      } else {
        v.appendChild(el("p", { "class": c.ok ? "ok" : "wrong" }, [c.ok ?
          tr("OK: it equals the gradient {gradient}", { gradient: full(c.expected) }) :
          tr("Not yet: your formula gives {value}, the gradient is {gradient}", { value: full(c.value), gradient: full(c.expected) })]));
        if (c.paths.length) {
          v.appendChild(el("p", {}, [tr("Paths accounted for: {accounted} of {count}; missed: {missed}.", {
            accounted: c.paths_accounted.join(", ") || tr("none"), count: c.paths.length,
            missed: c.paths_missed.join(", ") || tr("none") })]));
        }
        c.off_factors.forEach(function (f) { v.appendChild(el("p", { "class": "off" }, [tr("Off factor: {factor}", { factor: f })])); });
        v.appendChild(el("details", {}, [el("summary", {}, [tr("The checker's full answer")]), el("pre", {}, [c.text])]));
        var off = c.off || [];
        c.paths.forEach(function (p) { if (c.paths_accounted.indexOf(p.index) < 0) { L.lightPath(p, "path-missed"); } });
        c.paths.forEach(function (p) { if (c.paths_accounted.indexOf(p.index) >= 0) { L.lightPath(p, "path-on"); } });
        L.svgRoot().querySelectorAll(".path-on.path-missed").forEach(function (e) {  /* shared by both: accounted for */
          e.classList.remove("path-missed");
        });
        tagPaths(c.paths, c.paths_accounted, off);
        v.dataset.ok = String(c.ok);
        v.dataset.accounted = c.paths_accounted.join(",");
        v.dataset.missed = c.paths_missed.join(",");
        v.dataset.off = off.map(function (o) { return o.path; }).join(",");
        var first = L.svgRoot().querySelector(".factor-off, .edge.path-missed");
        if (first) { L.reveal(first); }
      }
      v.dataset.formula = formula;
      v.dataset.ms = String(Math.round(performance.now() - started));  /* request and drawing */
      if (state.lastKey) { v.dataset.sinceKey = String(Math.round(performance.now() - state.lastKey)); }  /* + debounce */
    });
  }


  function tag(edge, cls, text) {
    if (!edge || !edge.getAttribute("data-note-x")) { return null; }
    var t = el("text", { "class": "tag " + cls, x: edge.getAttribute("data-note-x"),
                         y: String(Number(edge.getAttribute("data-note-y")) + 11) }, [text], L.SVGNS);
    edge.appendChild(t);
    return t;
  }
  function tagPaths(paths, accounted, off) {  /* a label on each path's own edge: "✓ path 1", "✗ path 2 missed", "✗ path 3: a factor is off" */
    L.clearTags();
    paths.forEach(function (p) {
      var own = p.edges.filter(function (e) {
        return /-\d+$/.test(e) && paths.every(function (q) { return q === p || q.edges.indexOf(e) < 0; });
      });
      var wrong = off.filter(function (o) { return o.path === p.index; });
      var text = wrong.length ? tr("✗ path {index}: a factor is off", { index: p.index }) :
        accounted.indexOf(p.index) >= 0 ? tr("✓ path {index}", { index: p.index }) : tr("✗ path {index} missed", { index: p.index });
      tag(L.byId(own[0] || ""), wrong.length ? "off" : accounted.indexOf(p.index) >= 0 ? "on" : "missed", text);
    });
    off.forEach(function (o) {  /* the edge whose factor the formula has wrong: its own style and label */
      o.edges.forEach(function (id, k) {
        var e = L.byId(id);
        if (!e) { return; }
        e.classList.add("factor-off");
        if (k === 0) {
          var t = tag(e, "off factor", tr("✗ wrong factor {chain}", { chain: o.chain }));
          if (t) { t.setAttribute("y", String(Number(t.getAttribute("y")) + 12)); }  /* below the edge's own label */
        }
      });
    });
  }

  L.on("formula", "input", function () { state.lastKey = performance.now(); scheduleCheck(); });
  L.on("show-derivation", "click", function () { state.revealed = !state.revealed; fold(); });
})();
