/* autodiff lab: the page's work. Picking a graph, drawing it, a node's derivation, checking a
   typed formula's place, stepping the backward pass, values and descent, the language switch.
   Shared pieces are in core.js (server, catalogue, builders), view.js (zoom, focus, keyboard on
   the graph, presentation), work.js (state kept in the URL and the browser, undo, files) and
   check.js (the formula box, its verdict and the marks it puts on the drawing). */
(function () {
  "use strict";
  var L = window.autodiffLab;
  var $ = L.$, tr = L.tr, el = L.el, m = L.m, fmt = L.fmt, full = L.full, api = L.api, on = L.on;
  var lab = $("lab");
  var languagesShown = false;
  var state = L.state = { graph: null, nodes: {}, selected: null, explanation: null, stepper: null, steps: null,
                          player: null, checkTimer: null, checkSeq: 0, revealed: false };
  L.graphId = function () { return state.graph ? state.graph.graph : null; };

  function squeeze(text) { return text.replace(/\s+/g, " ").trim(); }
  function applyLanguage() {  /* every marked text of the page (data-i18n, data-i18n-attr) in the current language */
    document.documentElement.lang = L.lang;
    document.querySelectorAll("[data-i18n]").forEach(function (e) {
      if (e.dataset.i18nSource === undefined) { e.dataset.i18nSource = squeeze(e.textContent); }
      e.textContent = tr(e.dataset.i18nSource);
    });
    document.querySelectorAll("[data-i18n-attr]").forEach(function (e) {
      e.getAttribute("data-i18n-attr").split(/\s+/).forEach(function (name) {
        var keep = "data-i18n-source-" + name;
        if (!e.hasAttribute(keep)) { e.setAttribute(keep, e.getAttribute(name) || ""); }
        e.setAttribute(name, tr(e.getAttribute(keep)));
      });
    });
    if (state.player) { state.player.relabel(); }
    $("present").textContent = document.body.classList.contains("presenting") ? tr("Leave presentation") : tr("Present");
    L.formulaLabel();
    if (!state.graph) {  /* before the first graph: the texts the page starts with */
      $("graph-title").textContent = tr("Pick a graph.");
      $("step-counter").textContent = tr("not stepping");
      $("step-caption").textContent = tr("Keys on the stepper or the graph: Home / End first / last step; on the stepper ← → step.");
      clearDerivation();
    }
    lab.dataset.lang = L.lang;
  }
  function loadMessages() {
    return api("GET", "/api/messages").then(function (r) {
      if (!r.ok) { L.status(r.data.message); return; }
      L.MESSAGES = r.data.messages;
      L.lang = r.data.lang;
      var select = $("lang");
      if (!languagesShown) {
        r.data.languages.forEach(function (l) { select.appendChild(el("option", { value: l.code, lang: l.code }, [l.name])); });
        languagesShown = true;
      }
      select.value = L.lang;
      applyLanguage();
    });
  }
  function switchLanguage(code) {  /* the switch: the page's texts, then everything the engine wrote, again */
    L.lang = code;
    L.params.set("lang", code);
    return loadMessages().then(function () {
      var keep = $("case-select").value;
      $("case-select").textContent = "";
      return loadCases().then(function () {
        $("case-select").value = keep;
        if (!state.graph) { return; }
        var step = state.player.current;
        return api("GET", "/api/graph?graph=" + encodeURIComponent(state.graph.graph)).then(function (r) {
          if (!r.ok) { L.status(r.data.message); return; }
          show(r.data);
          if (step >= 0) { return state.player.show(step); }
        });
      });
    });
  }

  function op(t) { return m("mo", [t]); }
  function mnum(t) { return m("mn", [t]); }
  function mtext(t) { return m("mtext", [t]); }
  function partial(upper, lower) {
    return m("mfrac", [m("mrow", [op("∂"), m("mi", [upper])]), m("mrow", [op("∂"), m("mi", [lower])])]);
  }
  function math(children) { return m("math", [m("mrow", children)], { display: "block" }); }

  /* --- picking a graph ----------------------------------------------------------------- */
  function loadCases() {
    return api("GET", "/api/cases").then(function (r) {
      if (!r.ok) { L.status(r.data.message); return; }
      var select = $("case-select");
      var groups = { document: el("optgroup", { label: tr("The five documents") }), example: el("optgroup", { label: tr("Classic examples") }) };
      r.data.forEach(function (c) {
        groups[c.kind === "document" ? "document" : "example"].appendChild(el("option", { value: c.id }, [c.title]));
      });
      select.appendChild(groups.document);
      select.appendChild(groups.example);
    });
  }
  function openGraph(body, fields) {
    L.status(tr("Building the graph…"));
    (fields || []).forEach(function (f) { L.fieldError(f, ""); });
    return api("POST", "/api/graph", body).then(function (r) {
      if (!r.ok) {
        L.status("");
        showError(r.data, fields);
        return false;
      }
      L.clearHistory();
      show(r.data);
      return true;
    });
  }
  L.openGraph = openGraph;
  function showError(data, fields) {  /* next to the field that caused it (the server names it), else in the status line */
    var byName = {};
    (fields || []).forEach(function (f) { byName[f.dataset.field || f.id] = f; });
    var field = byName[data.field] || (fields && fields[0]);
    if (!field) { L.status(data.message); return; }
    L.fieldError(field, data.message);
    var box = $(field.id + "-error");
    if (typeof data.position === "number") {
      box.appendChild(el("div", { "class": "caret" }, [field.value + "\n" + " ".repeat(data.position) + tr("^ position {position}", { position: data.position + 1 })]));
      field.focus();
      field.setSelectionRange(data.position, Math.min(field.value.length, data.position + 1));
    }
    box.dataset.position = typeof data.position === "number" ? String(data.position) : "";
  }
  function numbers(text, what) {
    var parts = text.split(",").map(function (s) { return s.trim(); }).filter(function (s) { return s !== ""; });
    return parts.map(function (s) {
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) { throw new Error(tr("{what}: {text} is not a number", { what: what, text: JSON.stringify(s) })); }
      return Number(s);
    });
  }
  function networkSpec() {  /* each field read on its own, so that an error is shown next to it */
    var out = {}, bad = null;
    [["net-inputs", "inputs", function (v) { return v.split(";").map(function (s) { return numbers(s, tr("inputs")); }); }],
     ["net-targets", "targets", function (v) { return v.split(";").map(function (s) { return numbers(s, tr("targets")); }); }],
     ["net-sizes", "sizes", function (v) { return numbers(v, tr("layer sizes")); }]].forEach(function (f) {
      try { out[f[1]] = f[2]($(f[0]).value); L.fieldError($(f[0]), ""); } catch (err) { L.fieldError($(f[0]), err.message); bad = bad || $(f[0]); }
    });
    if (bad) { bad.focus(); return null; }
    out.activations = $("net-acts").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    out.bias = $("net-bias").value;
    out.loss = $("net-loss").value;
    return out;
  }

  /* --- the graph ---------------------------------------------------------------------- */
  function show(payload) {
    state.player.reset();
    var another = !state.graph || state.graph.graph !== payload.graph;
    var newDrawing = !state.graph || state.graph.svg !== payload.svg;
    if (another && state.graph && (!payload.source || JSON.stringify(payload.source) !== JSON.stringify(state.graph.source))) {
      state.checkSeq++;  /* another graph: a formula or a node of the old one means nothing */
      $("formula").value = "";
      L.clearVerdict();
      state.selected = null;
      state.explanation = null;
    }
    var stage = $("stage"), scroll = [stage.scrollLeft, stage.scrollTop];
    state.graph = payload;
    state.nodes = {};
    payload.nodes.forEach(function (n) { state.nodes[n.id] = n; });
    state.steps = null;
    $("graph-title").textContent = payload.title;
    var doc = new DOMParser().parseFromString(payload.svg, "image/svg+xml");
    var svg = document.importNode(doc.documentElement, true);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", tr("computation graph: {title}. Arrow keys move between its nodes, Enter picks one.", { title: payload.title }));
    var graph = $("graph");
    graph.textContent = "";
    graph.appendChild(svg);
    svg.querySelectorAll("g.node").forEach(function (g) {
      var id = g.id.replace(/^n-/, "").replace(/_op$/, "");
      var node = state.nodes[id];
      if (!node || /_op$/.test(g.id)) { g.addEventListener("click", function () { select(id); }); return; }
      g.setAttribute("tabindex", "-1");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", (node.label ? node.label : node.op ? tr("unnamed {op}", { op: node.op }) : tr("constant")) +
        ", data " + node.data_text + ", grad " + node.grad_text);
      g.addEventListener("click", function () { select(id); });
      g.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); select(id); }
      });
    });
    state.stepper = new autodiffSteps.Stepper(svg, null);
    var select_ = $("node-select");
    select_.textContent = "";
    select_.appendChild(el("option", { value: "" }, [tr("(choose a node)")]));
    var named = payload.nodes.filter(function (n) { return n.name !== null; });
    var labelled = payload.nodes.filter(function (n) { return n.name === null && n.label; });  /* q₁, as drawn */
    var unlabelled = payload.nodes.filter(function (n) { return n.name === null && !n.label; });
    named.concat(labelled, unlabelled).forEach(function (n) {
      var label = n.label ? n.label : tr("{id}: {what} = {value}", { id: n.id, value: n.data_text,
        what: n.op ? tr("unnamed {op}", { op: n.op }) : tr("constant") });
      select_.appendChild(el("option", { value: n.id }, [label]));
    });
    $("step-counter").textContent = tr("not stepping");
    $("step-caption").textContent = tr("Keys on the stepper or the graph: Home / End first / last step; on the stepper ← → step.");
    drawLoss(payload);
    L.rove($("n-" + (state.selected && state.nodes[state.selected] ? state.selected : payload.root)));
    if (newDrawing && another) { L.firstView(payload.root); }
    else { L.applyZoom(); stage.scrollLeft = scroll[0]; stage.scrollTop = scroll[1]; }
    L.formulaPlaceholder();
    lab.dataset.graph = payload.graph;
    lab.dataset.ready = "true";
    L.status("");
    if (state.selected && state.nodes[state.selected]) { select(state.selected, true); }
    else { state.selected = null; clearDerivation(); L.formulaLabel(); }
    L.keep();
  }
  L.show = show;
  /* After a kept state's graph is drawn: its node, form, formula and tab again. */
  L.settle = function (st) {
    if (st.formula) { $("formula").value = st.formula; }
    if ((st.tab === "practice" || st.tab === "matrices") && L.chooseTab) { L.chooseTab(st.tab); }
    if (st.node && state.nodes[st.node]) { return select(st.node).then(function () { return true; }); }
    return Promise.resolve(true);
  };
  function svgRoot() { return $("graph").querySelector("svg"); }
  function byId(id) { var s = svgRoot(); return s && id ? s.querySelector("#" + id) : null; }
  function clearClass(cls) {
    var s = svgRoot();
    if (!s) { return; }
    s.querySelectorAll("." + cls).forEach(function (e) { e.classList.remove(cls); });
  }
  function lightPath(path, cls) {
    path.nodes.forEach(function (id) {
      var a = byId("n-" + id), b = byId("n-" + id + "_op");
      if (a) { a.classList.add(cls); }
      if (b && path.nodes.indexOf(id) !== path.nodes.length - 1) { b.classList.add(cls); }
    });
    path.edges.forEach(function (id) { var e = byId(id); if (e) { e.classList.add(cls); } });
  }
  function clearTags() { var s = svgRoot(); if (s) { s.querySelectorAll("text.tag").forEach(function (t) { t.remove(); }); } }
  L.svgRoot = svgRoot; L.byId = byId; L.clearClass = clearClass; L.lightPath = lightPath; L.clearTags = clearTags;

  /* --- a node's derivation ------------------------------------------------------------ */
  function form() { return $("form-delta").checked ? "delta" : "paths"; }
  function clearDerivation() {
    var d = $("derivation");
    d.textContent = "";
    d.appendChild(el("p", { "class": "hint" }, [tr("Click a node to see how its gradient is derived.")]));
    delete d.dataset.node;
    $("leaf-box").hidden = true;
    L.fold();
  }
  function select(id, keepView) {
    var clicked = performance.now();
    var node = state.nodes[id];
    if (!node) { return Promise.resolve(); }
    if (state.selected !== id) { state.revealed = false; }
    state.selected = id;
    clearClass("selected");
    var box = byId("n-" + id);
    if (box) { box.classList.add("selected"); L.rove(box); if (!keepView) { L.reveal(box); } }
    $("node-select").value = id;
    $("leaf-box").hidden = !node.leaf;
    if (node.leaf) { $("leaf-value").value = String(node.data); L.fieldError($("leaf-value"), ""); }
    L.formulaLabel();
    var wanted = form();
    return api("GET", "/api/explain?graph=" + encodeURIComponent(state.graph.graph) + "&node=" + encodeURIComponent(id) +
               "&form=" + wanted).then(function (r) {
      if (state.selected !== id || form() !== wanted) { return; }
      if (!r.ok) {
        var d = $("derivation");
        d.textContent = "";
        d.appendChild(el("p", { "class": "error" }, [r.data.message]));
        if (r.data.offer === "delta") {
          var b = el("button", { type: "button" }, [tr("Show the delta form")]);
          b.addEventListener("click", function () { $("form-delta").checked = true; select(id); });
          d.appendChild(b);
        }
        d.dataset.node = id;
        return;
      }
      state.explanation = r.data;
      $("formula-lhs").textContent = r.data.lhs + " =";  /* the derivation's own left-hand side */
      renderDerivation(r.data);
      $("derivation").dataset.ms = String(Math.round(performance.now() - clicked));  /* click to derivation shown */
      L.keep();
      if ($("formula").value.trim()) { return L.check(); } else { L.clearVerdict(); }
    });
  }
  L.select = select;
  L.renderDerivation = renderDerivation;
  function renderDerivation(e) {
    var d = $("derivation");
    d.textContent = "";
    clearClass("path-on"); clearClass("path-missed"); clearClass("path-hover"); clearClass("factor-off"); clearTags();
    var name = e.node_label;
    d.appendChild(math([partial(e.root_label, name), op("="), m("mn", [full(e.value)], { "class": "value" })]));
    var summary = el("p", { id: "derivation-summary" }, []);
    d.appendChild(summary);
    if (e.path_count === 0) {
      summary.textContent = tr("{root} does not depend on {node}: the gradient is 0.", { root: e.root_label, node: name });
    } else if (e.form === "paths") {
      var told = { count: e.path_count, root: e.root_label, node: name };
      summary.textContent = e.path_count === 1 ?
        tr("{count} path from {root} to {node}; the gradient is their sum. Hover or focus a path to light it up.", told) :
        tr("{count} paths from {root} to {node}; the gradient is their sum. Hover or focus a path to light it up.", told);
      var list = el("ol", { id: "path-list" }, []);
      e.paths.forEach(function (p) {
        var chain = [];
        p.factors.forEach(function (f, k) {
          if (k) { chain.push(op("·")); }
          chain.push(partial(f.upper_label, f.lower_label));
        });
        if (!chain.length) { chain.push(mnum("1")); }
        var li = el("li", { tabindex: "0", "data-path": String(p.index), "aria-label": tr("path {index}: {route}", p) +
                            " = " + fmt(p.value) }, [
          el("div", { "class": "route" }, [tr("path {index}: {route}", p)]),
          math(chain),
          math([op("="), mtext(p.symbolic)]),
          math([op("="), mtext(p.numeric), op("="), mnum(fmt(p.value))]),
        ]);
        var lit = function () { clearClass("path-hover"); lightPath(p, "path-hover"); li.classList.add("lit"); };
        var off = function () { clearClass("path-hover"); li.classList.remove("lit"); };
        li.addEventListener("mouseenter", lit); li.addEventListener("focus", lit);
        li.addEventListener("mouseleave", off); li.addEventListener("blur", off);
        list.appendChild(li);
        lightPath(p, "path-on");
      });
      d.appendChild(list);
      if (e.paths.length > 1) {
        var sum = [];
        e.paths.forEach(function (p, k) { if (k) { sum.push(op("+")); } sum.push(mnum(fmt(p.value))); });
        d.appendChild(math([partial(e.root_label, name), op("=")].concat(sum, [op("="), mnum(full(e.value))])));
      }
    } else {
      var given = { root: e.root_label, count: e.path_count };
      summary.textContent = e.path_count === 1 ?
        tr("Factored (delta) form: δ(v) = ∂{root}/∂v, each computed once from the δ of the nodes above it ({count} path in all).", given) :
        tr("Factored (delta) form: δ(v) = ∂{root}/∂v, each computed once from the δ of the nodes above it ({count} paths in all).", given);
      var steps = el("ol", { id: "delta-list" }, []);
      e.deltas.forEach(function (s) {
        var terms = [];
        s.terms.forEach(function (t, k) {
          if (k) { terms.push(op("+")); }
          terms.push(m("mi", ["δ(" + t.upper_label + ")"]), op("·"), mtext(t.symbol));
        });
        steps.appendChild(el("li", { tabindex: "0" }, [math([m("mi", ["δ(" + s.label + ")"]), op("=")].concat(
          terms, [op("="), mnum(s.is_target ? full(s.value) : fmt(s.value))]))]));
      });
      d.appendChild(steps);
      e.deltas.forEach(function (s) { var b = byId("n-" + s.node); if (b) { b.classList.add("path-on"); } });
    }
    d.dataset.node = e.node;
    d.dataset.value = String(e.value);
    d.dataset.paths = String(e.form === "paths" ? e.paths.length : e.path_count);
    d.dataset.form = e.form;
    L.fold();
  }

  /* --- stepping the backward pass ----------------------------------------------------- */
  function withSteps() {
    if (state.steps) { return Promise.resolve(true); }
    return api("GET", "/api/steps?graph=" + encodeURIComponent(state.graph.graph)).then(function (r) {
      if (!r.ok) { L.status(r.data.message); return false; }
      state.steps = r.data;
      state.stepper.data = r.data;
      return true;
    });
  }
  function showStep(k) {  /* the player's show(k): the stepper draws step k; the caption and counter follow */
    var total = state.steps.steps.length;
    var step = state.stepper.show(k);
    $("step-counter").textContent = tr("Step {step} / {total}", { step: k + 1, total: total });
    $("step-caption").textContent = step.caption;
    $("graph").dataset.step = String(k + 1);
    var focus = state.steps.steps[k];
    L.reveal(byId("n-" + focus.focus) || byId(focus.edge));
  }
  /* The one player (autodiff/animation/static/player.js, served as /static/steps.js), as on the animation
     page: ← → step and Space plays on the stepper; Home / End on the stepper or the graph. */
  state.player = autodiffPlayer.create({
    show: showStep,
    total: function () { return state.steps ? state.steps.steps.length : 0; },
    prepare: function () { return state.graph ? withSteps() : Promise.resolve(false); },
    prev: $("step-prev"), next: $("step-next"), play: $("step-play"),
    label: function (key) { return key === "pause" ? tr("❚❚ Pause") : tr("▶ Play"); },
    keys: $("steps-box"),
    changed: function () {  /* a button that just became disabled hands the focus on, so the keys keep working */
      var had = document.activeElement;
      if (had && had.disabled) { (had.id === "step-next" ? $("step-prev") : $("step-next")).focus(); }
    },
    ignore: function (e) {  /* a text field's keys, and Space on another button ("Show all gradients") */
      var own = [$("step-prev"), $("step-next"), $("step-play")].indexOf(e.target) >= 0;
      return !state.graph || /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName) ||
        (e.key === " " && e.target.tagName === "BUTTON" && !own);
    }
  });
  function stepsDone() {
    state.player.reset();
    if (state.stepper) { state.stepper.showFinal(); }
    $("step-counter").textContent = tr("not stepping");
    delete $("graph").dataset.step;
  }
  function graphStepKeys(e) {  /* Home / End on the graph (its arrow keys move between nodes) */
    if (e.altKey || e.ctrlKey || e.metaKey || !state.graph) { return; }
    if (e.key === "Home") { state.player.stop(); state.player.first(); }
    else if (e.key === "End") { state.player.stop(); state.player.last(); }
    else { return; }
    e.preventDefault();
  }

  /* --- values and descent ------------------------------------------------------------- */
  function setLeaf() {
    var value, field = $("leaf-value");
    try { value = L.parseNumber(field.value, tr("the value")); } catch (err) { L.fieldError(field, err.message); return; }
    L.fieldError(field, "");
    L.status(tr("Re-evaluating…"));
    L.remember();
    return api("POST", "/api/set", { graph: state.graph.graph, node: state.selected, value: value }).then(function (r) {
      if (!r.ok) { L.forget(); L.status(""); L.fieldError(field, r.data.message); return; }
      show(r.data);
      L.status(tr("Re-evaluated: {name} = {value}", { name: r.data.root_name || tr("the output"), value: full(r.data.loss) }));
    });
  }
  function descend() {
    var lr, field = $("lr");
    try { lr = L.parseNumber(field.value, tr("the learning rate")); } catch (err) { L.fieldError(field, err.message); return; }
    L.fieldError(field, "");
    L.remember();
    return api("POST", "/api/step", { graph: state.graph.graph, lr: lr }).then(function (r) {
      if (!r.ok) { L.forget(); L.fieldError(field, r.data.message); return; }
      show(r.data);
      var steps = r.data.kinds.filter(function (k) { return k === "step"; }).length;
      L.status(tr("Descent step {step}: {name} = {value}", { step: steps, name: r.data.root_name || tr("loss"),
                                                              value: full(r.data.loss) }));
    });
  }
  function drawLoss(payload) {  /* the loss after each descent step; a value edit is a hollow point, never a "rise" of a step */
    var box = $("loss-plot"), losses = payload.losses, kinds = payload.kinds;
    var name = payload.root_name || tr("The output");
    box.textContent = "";
    var nums = losses.filter(function (x) { return typeof x === "number"; });
    var steps = kinds.filter(function (k) { return k === "step"; }).length, edits = kinds.filter(function (k) { return k === "edit"; }).length;
    var told = { name: name, count: steps, values: losses.map(function (x, k) { return (kinds[k] === "edit" ? "✎" : "") + fmt(x); }).join(" → ") };
    $("loss-text").textContent = (steps === 1 ? tr("{name} after {count} descent step: {values}", told) :
      tr("{name} after {count} descent steps: {values}", told)) + (edits ? " " + tr("(✎: after a value edit)") : "");
    $("loss-text").dataset.losses = JSON.stringify(losses);
    $("loss-text").dataset.kinds = kinds.join(",");
    if (nums.length < 2) { return; }
    var w = 300, h = 110, pad = 24;
    var lo = Math.min.apply(null, nums), hi = Math.max.apply(null, nums);
    if (hi === lo) { hi = lo + 1; }
    var svg = el("svg", { width: String(w), height: String(h), viewBox: "0 0 " + w + " " + h }, [], L.SVGNS);
    var pts = nums.map(function (y, i) {
      return [pad + (w - 2 * pad) * i / (nums.length - 1), h - pad - (h - 2 * pad) * (y - lo) / (hi - lo)];
    });
    for (var i = 1; i < pts.length; i++) {  /* a step is a line from the point before; an edit is a jump, dotted */
      svg.appendChild(el("line", { "class": kinds[i] === "step" ? "line" : "jump", x1: String(pts[i - 1][0]), y1: String(pts[i - 1][1]),
                                   x2: String(pts[i][0]), y2: String(pts[i][1]) }, [], L.SVGNS));
    }
    pts.forEach(function (p, k) {
      svg.appendChild(el("circle", { "class": kinds[k] === "edit" ? "dot edit" : "dot", cx: String(p[0]), cy: String(p[1]), r: "2.5" }, [], L.SVGNS));
    });
    svg.appendChild(el("text", { x: "2", y: "12" }, [fmt(hi)], L.SVGNS));
    svg.appendChild(el("text", { x: "2", y: String(h - 4) }, [fmt(lo)], L.SVGNS));
    svg.appendChild(el("text", { x: String(w - 60), y: String(h - 4) }, [tr("step {step}", { step: steps })], L.SVGNS));
    box.appendChild(svg);
  }

  /* --- copying ------------------------------------------------------------------------- */
  L.copy = function (text, what) {
    var done = function () { $("copied").textContent = tr("{what} copied.", { what: what }); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
    $("copied").dataset.text = text;
  };
  function fallbackCopy(text) {
    var t = el("textarea", {}, [text]);
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } catch (err) { /* nothing more to try */ }
    t.remove();
  }

  /* --- wiring -------------------------------------------------------------------------- */
  on("case-load", "click", function () { openGraph({ case: $("case-select").value }); });
  on("case-select", "keydown", function (e) { if (e.key === "Enter") { openGraph({ case: $("case-select").value }); } });
  on("expr-load", "click", function () {
    openGraph({ expression: $("expr").value, values: $("expr-values").value }, [$("expr"), $("expr-values")]);
  });
  ["expr", "expr-values"].forEach(function (id) {
    on(id, "keydown", function (e) { if (e.key === "Enter") { $("expr-load").click(); } });
  });
  on("net-load", "click", function () {
    var spec = networkSpec();
    if (spec) { openGraph({ network: spec }, [$("net-inputs"), $("net-acts"), $("net-sizes"), $("net-targets")]); }
  });
  on("node-select", "change", function () { if ($("node-select").value) { select($("node-select").value); } });
  on("form-paths", "change", function () { if (state.selected) { select(state.selected); } });
  on("form-delta", "change", function () { if (state.selected) { select(state.selected); } });
  on("copy-latex", "click", function () { if (state.explanation) { L.copy(state.explanation.latex, "LaTeX"); } });
  on("copy-md", "click", function () { if (state.explanation) { L.copy(state.explanation.markdown, "Markdown"); } });
  on("leaf-set", "click", setLeaf);
  on("leaf-value", "keydown", function (e) { if (e.key === "Enter") { setLeaf(); } });
  on("descend", "click", descend);
  on("lr", "keydown", function (e) { if (e.key === "Enter") { descend(); } });
  on("step-done", "click", stepsDone);
  on("graph", "keydown", graphStepKeys);
  on("lang", "change", function () { switchLanguage($("lang").value); });

  loadMessages().then(loadCases).then(L.restore);
})();
