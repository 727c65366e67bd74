/* autodiff lab: the Matrices tab. The layer (matrix) form of the graph's network from
   /api/matrices (nn.layerform: A, Z, δ, ∂L/∂W, ∂L/∂b with their numbers), one table per
   matrix with row and column headers; an entry of ∂L/∂W or ∂L/∂b is a button that selects its
   parameter in the graph (lab.js's select: the same node and derivation as a click on the
   graph) and lists the scalar paths beside the entry's sum over the samples. A typed matrix
   formula is judged as it is typed by /api/matrices/check (nn.matrix_check). Every text is set
   with textContent (never innerHTML) and written through the page's catalogue (core.js's tr). */
(function () {
  "use strict";
  var L = window.autodiffLab;
  var $ = L.$, tr = L.tr, el = L.el;
  var lab = $("lab");
  var panel = $("matrices-panel");
  var state = { graph: null, form: null, seq: 0, checkSeq: 0, timer: null, entry: null, cells: {} };
  var CHECK_DELAY = 250;  /* ms after the last key before the formula is sent */

  function caption(key) {  /* what each matrix is, by the first letters of our symbol */
    var kind = key.replace(/\d+$/, "");
    return {
      X: tr("the inputs, one row per sample"), W: tr("the weights, fan-in × fan-out"),
      Z: tr("the pre-activations: the layer before times W, plus b"), A: tr("the activations f(Z)"),
      "δ": tr("δ = ∂L/∂Z"), dW: tr("∂L/∂W = (the layer before)ᵀ · δ: click an entry"),
      db: tr("∂L/∂b: the column sums of δ (over the samples): click an entry")
    }[kind] || "";
  }
  function named(m) { return m.name === m.key ? m.name : tr("{name} (here {key})", { name: m.name, key: m.key }); }

  /* --- the tables --------------------------------------------------------------------- */
  function table(m) {
    var id = "matrix-" + m.key;
    var rows = m.rows, weightLike = /^d?W/.test(m.key);
    var cap = el("caption", { id: id + "-caption" }, [
      el("span", { "class": "symbol" }, [named(m)]), " ",
      el("span", { "class": "shape" }, ["(" + rows.length + " × " + rows[0].length + ")"])]);
    var what = el("p", { "class": "hint matrix-what", id: id + "-what" }, [caption(m.key)]);
    var head = el("tr", {}, [el("th", { scope: "col" }, [el("span", { "class": "visually-hidden" }, [weightLike ? tr("from") : tr("sample")])])]);
    rows[0].forEach(function (c, j) { head.appendChild(el("th", { scope: "col" }, [weightLike ? tr("to {j}", { j: j }) : tr("unit {j}", { j: j })])); });
    var body = el("tbody", {}, rows.map(function (row, k) {
      var rowHead = /^db/.test(m.key) ? tr("sum") : weightLike ? tr("from {k}", { k: k }) : tr("sample {n}", { n: k });
      return el("tr", {}, [el("th", { scope: "row" }, [rowHead])].concat(row.map(function (c) {
        if (!c.param) { return el("td", { "data-value": String(c.value) }, [c.text]); }
        var b = el("button", { type: "button", "class": "entry", "data-param": c.param, "data-node": c.node || "",
                               "data-entry": c.entry, "data-value": String(c.value),
                               "aria-label": tr("{entry} = ∂L/∂{param} = {value}: select {param} in the graph",
                                                { entry: c.entry, param: c.param, value: c.text }) }, [c.text]);
        b.addEventListener("click", function () { pick(c, m, b); });
        state.cells[c.entry] = { c: c, m: m, button: b };
        return el("td", {}, [b]);
      })));
    }));
    var t = el("table", { "class": "matrix", id: id, "data-key": m.key, "data-name": m.name, "aria-describedby": id + "-what" },
               [cap, el("thead", {}, [head]), body]);
    return el("div", { "class": "matrix-box" }, [el("div", { "class": "matrix-scroll", "data-for": id }, [t]), what]);
  }
  function render(p) {
    var body = $("matrices-body");
    body.textContent = "";
    state.cells = {};
    if (!p.agrees) {
      body.appendChild(el("p", { "class": "warning", id: "matrices-stale" },
        [tr("These matrices use the document's own inputs and targets; an input or target you changed is not in them, so their loss differs from the graph's.")]));
    }
    var told = { loss: p.loss, value: L.full(p.loss_value), factor: p.factor, count: p.samples };
    body.appendChild(el("p", { id: "matrices-loss" }, [p.samples === 1 ?
      tr("Loss {loss} = {value}; ∂L/∂A of the output has the factor {factor}; {count} sample.", told) :
      tr("Loss {loss} = {value}; ∂L/∂A of the output has the factor {factor}; {count} samples.", told)]));
    body.appendChild(table(p.inputs));
    p.layers.forEach(function (layer) {
      var section = el("section", { "class": "matrix-layer", "aria-labelledby": "matrix-layer-" + layer.index },
        [el("h3", { id: "matrix-layer-" + layer.index }, [tr("Layer {index} ({activation})", { index: layer.index, activation: layer.activation })])]);
      var row = el("div", { "class": "matrix-row" }, []);
      layer.matrices.forEach(function (m) { row.appendChild(table(m)); });
      section.appendChild(row);
      body.appendChild(section);
    });
    body.querySelectorAll(".matrix-scroll").forEach(function (box) {  /* a box that scrolls is reachable by keyboard */
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-labelledby", box.getAttribute("data-for") + "-caption");
      }
    });
  }
  function fillTargets(p) {
    var select = $("matrix-target"), keep = select.value;
    select.textContent = "";
    p.targets.forEach(function (t) { select.appendChild(el("option", { value: t }, [t])); });
    var last = p.layers[p.layers.length - 1].matrices.filter(function (m) { return /^dW/.test(m.key); })[0];
    select.value = p.targets.indexOf(keep) >= 0 ? keep : last ? last.name : p.targets[0];
    $("matrix-names").textContent = tr("Names you can use: {names}", { names: p.names.join(", ") });
  }

  /* --- the tab's data ----------------------------------------------------------------- */
  function load() {
    var gid = lab.dataset.graph;
    if (!gid) { return Promise.resolve(); }
    var seq = ++state.seq;
    panel.dataset.ready = "false";
    $("matrices-status").textContent = tr("Computing the matrices…");
    return L.api("GET", "/api/matrices?graph=" + encodeURIComponent(gid)).then(function (r) {
      if (seq !== state.seq) { return; }
      var sameGraph = state.graph === gid;
      state.graph = gid;
      if (!r.ok) {
        state.form = null;
        $("matrices-body").textContent = "";
        $("matrix-entry").textContent = "";
        $("matrix-check-box").hidden = true;
        $("matrices-status").textContent = r.data.message;
        panel.dataset.ready = "true";
        panel.dataset.graph = gid;
        panel.dataset.network = "false";
        return;
      }
      state.form = r.data;
      $("matrices-status").textContent = "";
      $("matrix-check-box").hidden = false;
      render(r.data);
      fillTargets(r.data);
      var again = sameGraph && state.entry && state.cells[state.entry];
      if (!again) { $("matrix-entry").textContent = ""; state.entry = null; }
      panel.dataset.ready = "true";
      panel.dataset.graph = gid;
      panel.dataset.network = "true";
      var checked = $("matrix-formula").value.trim() ? check() : Promise.resolve();
      if (again) { return checked.then(function () { return pick(again.c, again.m, again.button); }); }  /* new values */
      return checked;
    });
  }

  /* --- an entry: its parameter selected in the graph, its paths listed ------------------- */
  function pick(c, m, button) {
    state.entry = c.entry;
    $("matrices-body").querySelectorAll("button.entry.chosen").forEach(function (b) { b.classList.remove("chosen"); });
    button.classList.add("chosen");
    var box = $("matrix-entry");
    box.textContent = "";
    box.dataset.entry = c.entry;
    box.dataset.ready = "false";
    var sum = c.terms.map(function (t) { return t.delta_label + " · " + t.activation_label; }).join(" + ");
    box.appendChild(el("h3", {}, [tr("{entry}: the gradient of {param}", { entry: c.entry, param: c.param })]));
    box.appendChild(el("p", { "class": "mono" }, [c.entry + " = " + sum]));
    box.appendChild(el("p", { "class": "mono" }, ["= " + c.terms.map(function (t) { return t.text; }).join(" + ") + " = " + L.full(c.value)]));
    if (m.shared) { box.appendChild(el("p", { "class": "hint" }, [tr("One bias shared by the layer: its gradient is the sum of every entry of the row.")])); }
    if (!c.node || !L.state.nodes[c.node]) { box.dataset.ready = "true"; return Promise.resolve(); }
    return L.select(c.node).then(function () {
      if (state.entry !== c.entry) { return; }
      var e = L.state.explanation;
      if (!e || e.node !== c.node) { box.dataset.ready = "true"; return; }
      var svg = $("graph").querySelector("svg");
      var list = el("ol", { "class": "entry-paths" }, []);
      (e.paths || []).forEach(function (p) {
        list.appendChild(el("li", {}, [p.route + ": " + p.symbolic + " = " + L.full(p.value)]));
        if (svg) {  /* every path of the selected parameter lit on the graph */
          p.nodes.concat(p.edges).forEach(function (id) {
            var g = svg.querySelector("#" + (p.nodes.indexOf(id) >= 0 ? "n-" + id : id));
            if (g) { g.classList.add("path-on"); }
          });
        }
      });
      box.appendChild(el("p", {}, [e.path_count === 1 ?
        tr("The scalar derivation: {count} path from {root} to {param}, whose sum is {value}.", { count: e.path_count, root: e.root_label, param: c.param, value: L.full(e.value) }) :
        tr("The scalar derivation: {count} paths from {root} to {param}, whose sum is {value}.", { count: e.path_count, root: e.root_label, param: c.param, value: L.full(e.value) })]));
      if (e.paths && e.paths.length) { box.appendChild(list); }
      var open = el("button", { type: "button", id: "matrix-to-derivation" }, [tr("Open it in the Derivation tab")]);
      open.addEventListener("click", function () { L.chooseTab("derivation"); $("side-heading").focus(); });
      box.appendChild(open);
      box.dataset.scalar = String(e.value);
      box.dataset.ready = "true";
    });
  }

  /* --- a typed formula, judged as it is typed ------------------------------------------ */
  function check() {
    var formula = $("matrix-formula").value, target = $("matrix-target").value, v = $("matrix-verdict");
    var seq = ++state.checkSeq;
    if (!state.form || !target) { return Promise.resolve(); }
    if (!formula.trim()) { v.textContent = ""; delete v.dataset.ok; $("matrix-formula").removeAttribute("aria-invalid"); return Promise.resolve(); }
    return L.api("POST", "/api/matrices/check", { graph: state.graph, target: target, formula: formula }).then(function (r) {
      if (seq !== state.checkSeq) { return; }
      v.textContent = "";
      var input = $("matrix-formula");
      if (!r.ok) { v.appendChild(el("p", { "class": "wrong" }, [r.data.message])); v.dataset.ok = "error"; return; }
      var d = r.data;
      if (d.error) {
        input.setAttribute("aria-invalid", "true");
        v.appendChild(el("p", { "class": "wrong" }, [tr("Cannot read the formula yet: {message}", { message: d.error.message })]));
        if (typeof d.error.position === "number") {
          v.appendChild(el("div", { "class": "caret" }, [formula + "\n" + " ".repeat(d.error.position) + tr("^ position {position}", { position: d.error.position + 1 })]));
        }
        v.dataset.ok = "error";
      } else {
        input.setAttribute("aria-invalid", d.ok ? "false" : "true");
        v.appendChild(el("p", { "class": d.ok ? "ok" : "wrong" }, [d.ok ?
          tr("✓ Right: {formula} is {target}.", { formula: formula, target: target }) :
          tr("✗ Not {target}.", { target: target })]));
        if (d.diagnoses.length) { v.appendChild(el("ul", { "class": "diagnoses" }, d.diagnoses.map(function (t) { return el("li", {}, [t]); }))); }
        v.dataset.ok = String(d.ok);
      }
      v.dataset.formula = formula;
      v.dataset.target = target;
    });
  }
  function later() {
    if (state.timer !== null) { clearTimeout(state.timer); }
    state.timer = setTimeout(function () { state.timer = null; check(); }, CHECK_DELAY);
  }

  /* the other way: a parameter picked on the graph while the tab is open shows its entry here */
  function follow() {
    var id = L.state.selected;
    if (!active() || !state.form || !id) { return; }
    var found = Object.keys(state.cells).map(function (k) { return state.cells[k]; })
      .filter(function (x) { return x.c.node === id; })[0];
    if (found && state.entry !== found.c.entry) { pick(found.c, found.m, found.button); }
  }
  $("graph").addEventListener("click", function () { setTimeout(follow, 0); });
  $("graph").addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { setTimeout(follow, 0); }
  }, true);  /* (capture: the node's own handler stops the key there) */
  $("node-select").addEventListener("change", function () { setTimeout(follow, 0); });

  $("matrix-formula").addEventListener("input", later);
  $("matrix-formula").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
  $("matrix-target").addEventListener("change", check);
  function active() { return !panel.hidden; }
  /* the tab opened (practice.js's tabs show its panel), a graph drawn or new values, the language switched */
  new MutationObserver(function () { if (active() && state.graph !== lab.dataset.graph) { load(); } })
    .observe(panel, { attributes: true, attributeFilter: ["hidden"] });
  new MutationObserver(function () { if (active()) { load(); } else { state.graph = null; } })
    .observe(lab, { attributes: true, attributeFilter: ["data-graph", "data-lang"] });
})();
