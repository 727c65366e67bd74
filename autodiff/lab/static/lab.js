/* autodiff lab: the page. Talks to the lab's JSON API (README, "The lab"); builds every piece of
   text with textContent or createElement (never innerHTML with data), math as MathML. */
(function () {
  "use strict";
  var MATH = "http://www.w3.org/1998/Math/MathML";
  var SVGNS = "http://www.w3.org/2000/svg";
  var params = new URLSearchParams(location.search);
  var token = params.get("token") || "";
  var lang = params.get("lang") || "";  /* "" until /api/messages says: the server's default language */
  var MESSAGES = {};
  var languagesShown = false;
  var lab = document.getElementById("lab");
  var $ = function (id) { return document.getElementById(id); };
  var state = { graph: null, nodes: {}, selected: null, explanation: null, verdict: null,
                stepper: null, steps: null, step: -1, timer: null, checkTimer: null, checkSeq: 0 };

  /* The page's texts in the learner's language: tr(its English template, its placeholders). */
  function tr(text, values) {
    var t = Object.prototype.hasOwnProperty.call(MESSAGES, text) ? MESSAGES[text] : text;
    return t.replace(/\{(\w+)\}/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }
  window.autodiffTr = tr;  /* practice.js writes its texts with the same catalogue */
  function squeeze(text) { return text.replace(/\s+/g, " ").trim(); }
  function applyLanguage() {  /* every marked text of the page (data-i18n, data-i18n-attr) in the current language */
    document.documentElement.lang = lang;
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
    $("zoom").textContent = $("stage").classList.contains("fit") ? tr("Actual size") : tr("Fit to width");
    $("step-play").textContent = state.timer !== null ? tr("❚❚ Pause") : tr("▶ Play");
    if (!state.graph) {  /* before the first graph: the texts the page starts with */
      $("graph-title").textContent = tr("Pick a graph.");
      $("step-counter").textContent = tr("not stepping");
      $("step-caption").textContent = tr("Keys on the graph: ← → step, Home / End first / last step.");
      clearDerivation();
    }
    lab.dataset.lang = lang;
  }
  function loadMessages() {
    return api("GET", "/api/messages").then(function (r) {
      if (!r.ok) { status(r.data.message); return; }
      MESSAGES = r.data.messages;
      lang = r.data.lang;
      var select = $("lang");
      if (!languagesShown) {
        r.data.languages.forEach(function (l) { select.appendChild(el("option", { value: l.code, lang: l.code }, [l.name])); });
        languagesShown = true;
      }
      select.value = lang;
      applyLanguage();
    });
  }
  function switchLanguage(code) {  /* the switch: the page's texts, then everything the engine wrote, again */
    lang = code;
    params.set("lang", code);
    history.replaceState(null, "", "?" + params.toString());
    return loadMessages().then(function () {
      var keep = $("case-select").value;
      $("case-select").textContent = "";
      return loadCases().then(function () {
        $("case-select").value = keep;
        if (!state.graph) { return; }
        var step = state.step;
        return api("GET", "/api/graph?graph=" + encodeURIComponent(state.graph.graph)).then(function (r) {
          if (!r.ok) { status(r.data.message); return; }
          show(r.data);
          if (step >= 0) { return stepTo(step); }
        });
      });
    });
  }

  function api(method, path, body) {
    var options = { method: method, headers: { "X-Lab-Token": token } };
    if (lang) {  /* every answer in the page's language */
      if (body !== undefined) { body = Object.assign({ lang: lang }, body); }
      else { path += (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(lang); }
    }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }, function (err) { return { ok: false, status: 0, data: { message: String(err) } }; });
  }
  window.autodiffLab = { api: api };  /* practice.js asks the server through the same function */
  function status(text) { $("status").textContent = text; }
  function el(tag, attrs, children, ns) {
    var e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function m(tag, children, attrs) { return el(tag, attrs, children, MATH); }
  function mtext(t) { return m("mtext", [t]); }
  function mnum(t) { return m("mn", [t]); }
  function op(t) { return m("mo", [t]); }
  function partial(upper, lower) {
    return m("mfrac", [m("mrow", [op("∂"), m("mi", [upper])]), m("mrow", [op("∂"), m("mi", [lower])])]);
  }
  function math(children) { return m("math", [m("mrow", children)], { display: "block" }); }
  function fmt(x) {
    if (typeof x !== "number") { return String(x); }
    var t = Number(x.toPrecision(6)).toString();
    return t.replace("-", "−");
  }
  function full(x) { return typeof x === "number" ? Number(x.toPrecision(15)).toString().replace("-", "−") : String(x); }

  /* --- picking a graph ----------------------------------------------------------------- */
  function loadCases() {
    return api("GET", "/api/cases").then(function (r) {
      if (!r.ok) { status(r.data.message); return; }
      var select = $("case-select");
      var groups = { document: el("optgroup", { label: tr("The five documents") }), example: el("optgroup", { label: tr("Classic examples") }) };
      r.data.forEach(function (c) {
        groups[c.kind === "document" ? "document" : "example"].appendChild(el("option", { value: c.id }, [c.title]));
      });
      select.appendChild(groups.document);
      select.appendChild(groups.example);
    });
  }
  function openGraph(body, errorBox, fields) {
    status(tr("Building the graph…"));
    return api("POST", "/api/graph", body).then(function (r) {
      if (errorBox) { errorBox.textContent = ""; }
      (fields || []).forEach(function (f) { f.removeAttribute("aria-invalid"); });
      if (!r.ok) {
        status("");
        showError(errorBox || $("status"), r.data, fields);
        return false;
      }
      show(r.data);
      return true;
    });
  }
  function showError(box, data, fields) {
    box.textContent = "";
    box.appendChild(document.createTextNode(data.message));
    var field = null;
    if (fields && fields.length) { field = data.field === "values" && fields.length > 1 ? fields[1] : fields[0]; }
    if (field && typeof data.position === "number") {
      field.setAttribute("aria-invalid", "true");
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
  function networkSpec() {
    var samples = $("net-inputs").value.split(";").map(function (s) { return numbers(s, tr("inputs")); });
    var targets = $("net-targets").value.split(";").map(function (s) { return numbers(s, tr("targets")); });
    return {
      sizes: numbers($("net-sizes").value, tr("layer sizes")),
      activations: $("net-acts").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean),
      bias: $("net-bias").value, loss: $("net-loss").value, inputs: samples, targets: targets,
    };
  }

  /* --- the graph ---------------------------------------------------------------------- */
  function show(payload) {
    stopPlay();
    if (!state.graph || state.graph.graph !== payload.graph) {  /* another graph: a formula for the old one means nothing */
      state.checkSeq++;
      $("formula").value = "";
      $("formula").removeAttribute("aria-invalid");
      clearVerdict();
    }
    state.graph = payload;
    state.nodes = {};
    payload.nodes.forEach(function (n) { state.nodes[n.id] = n; });
    state.steps = null;
    state.step = -1;
    $("graph-title").textContent = payload.title;
    var doc = new DOMParser().parseFromString(payload.svg, "image/svg+xml");
    var svg = document.importNode(doc.documentElement, true);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", tr("computation graph: {title}", { title: payload.title }));
    var graph = $("graph");
    graph.textContent = "";
    graph.appendChild(svg);
    svg.querySelectorAll("g.node").forEach(function (g) {
      var id = g.id.replace(/^n-/, "").replace(/_op$/, "");
      var node = state.nodes[id];
      if (!node || /_op$/.test(g.id)) { g.addEventListener("click", function () { select(id); }); return; }
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", (node.name ? node.name : node.op ? tr("unnamed {op}", { op: node.op }) : tr("constant")) +
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
    var unnamed = payload.nodes.filter(function (n) { return n.name === null; });
    named.concat(unnamed).forEach(function (n) {
      var label = n.name !== null ? n.name : tr("{id}: {what} = {value}", { id: n.id, value: n.data_text,
        what: n.op ? tr("unnamed {op}", { op: n.op }) : tr("constant") });
      select_.appendChild(el("option", { value: n.id }, [label]));
    });
    $("step-counter").textContent = tr("not stepping");
    $("step-caption").textContent = tr("Keys on the graph: ← → step, Home / End first / last step.");
    drawLoss(payload.losses, payload.root_name || tr("The output"));
    lab.dataset.graph = payload.graph;
    lab.dataset.ready = "true";
    status("");
    if (state.selected && state.nodes[state.selected]) { select(state.selected); }
    else { state.selected = null; clearDerivation(); }
  }
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
  function tagPaths(paths, accounted) {  /* a label on each path's own edge: "✓ path 1" or "✗ path 2 missed" */
    clearTags();
    paths.forEach(function (p) {
      var own = p.edges.filter(function (e) {
        return /-\d+$/.test(e) && paths.every(function (q) { return q === p || q.edges.indexOf(e) < 0; });
      });
      var edge = byId(own[0] || "");
      if (!edge || !edge.getAttribute("data-note-x")) { return; }
      var ok = accounted.indexOf(p.index) >= 0;
      var t = el("text", { "class": "tag " + (ok ? "on" : "missed"), x: edge.getAttribute("data-note-x"),
                           y: String(Number(edge.getAttribute("data-note-y")) + 11) },
                 [ok ? tr("✓ path {index}", { index: p.index }) : tr("✗ path {index} missed", { index: p.index })], SVGNS);
      edge.appendChild(t);
    });
  }

  /* --- a node's derivation ------------------------------------------------------------ */
  function form() { return $("form-delta").checked ? "delta" : "paths"; }
  function clearDerivation() {
    var d = $("derivation");
    d.textContent = "";
    d.appendChild(el("p", { "class": "hint" }, [tr("Click a node to see how its gradient is derived.")]));
    delete d.dataset.node;
    $("leaf-box").hidden = true;
  }
  function select(id) {
    var clicked = performance.now();
    var node = state.nodes[id];
    if (!node) { return; }
    state.selected = id;
    clearClass("selected");
    var box = byId("n-" + id);
    if (box) { box.classList.add("selected"); }
    $("node-select").value = id;
    $("leaf-box").hidden = !node.leaf;
    if (node.leaf) { $("leaf-value").value = String(node.data); }
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
      renderDerivation(r.data);
      $("derivation").dataset.ms = String(Math.round(performance.now() - clicked));  /* click to derivation shown */
      if ($("formula").value.trim()) { check(); } else { clearVerdict(); }
    });
  }
  function renderDerivation(e) {
    var d = $("derivation");
    d.textContent = "";
    clearClass("path-on"); clearClass("path-missed"); clearClass("path-hover"); clearTags();
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
        var on = function () { clearClass("path-hover"); lightPath(p, "path-hover"); li.classList.add("lit"); };
        var off = function () { clearClass("path-hover"); li.classList.remove("lit"); };
        li.addEventListener("mouseenter", on); li.addEventListener("focus", on);
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
  }

  /* --- checking a formula ------------------------------------------------------------- */
  function clearVerdict() {
    var v = $("verdict");
    v.textContent = "";
    ["ok", "accounted", "missed", "position", "formula"].forEach(function (k) { delete v.dataset[k]; });
  }
  function scheduleCheck() {
    clearTimeout(state.checkTimer);
    state.checkTimer = setTimeout(check, 250);
  }
  function check() {
    var formula = $("formula").value;
    if (!state.selected || !state.graph) { return; }
    if (!formula.trim()) { clearVerdict(); if (state.explanation) { renderDerivation(state.explanation); } return; }
    var seq = ++state.checkSeq;
    var started = performance.now();
    return api("POST", "/api/check", { graph: state.graph.graph, node: state.selected, formula: formula }).then(function (r) {
      if (seq !== state.checkSeq) { return; }
      var v = $("verdict");
      clearVerdict();
      if (!r.ok) { v.appendChild(el("p", { "class": "error" }, [r.data.message])); return; }
      var c = r.data;
      clearClass("path-on"); clearClass("path-missed"); clearClass("path-hover"); clearTags();
      $("formula").removeAttribute("aria-invalid");
      if (c.error) {
        $("formula").setAttribute("aria-invalid", "true");
        v.appendChild(el("p", { "class": "wrong" }, [typeof c.error.position === "number" ?
          tr("Cannot read the formula: {message} (at position {position})",  /* counted from 1, as the caret shows */
             { message: c.error.message, position: c.error.position + 1 }) :
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
        c.paths.forEach(function (p) { if (c.paths_accounted.indexOf(p.index) < 0) { lightPath(p, "path-missed"); } });
        c.paths.forEach(function (p) { if (c.paths_accounted.indexOf(p.index) >= 0) { lightPath(p, "path-on"); } });
        svgRoot().querySelectorAll(".path-on.path-missed").forEach(function (e) {  /* shared by both: accounted for */
          e.classList.remove("path-missed");
        });
        tagPaths(c.paths, c.paths_accounted);
        v.dataset.ok = String(c.ok);
        v.dataset.accounted = c.paths_accounted.join(",");
        v.dataset.missed = c.paths_missed.join(",");
      }
      v.dataset.formula = formula;
      v.dataset.ms = String(Math.round(performance.now() - started));  /* request and drawing */
      if (state.lastKey) { v.dataset.sinceKey = String(Math.round(performance.now() - state.lastKey)); }  /* + debounce */
    });
  }

  /* --- stepping the backward pass ----------------------------------------------------- */
  function withSteps() {
    if (state.steps) { return Promise.resolve(true); }
    return api("GET", "/api/steps?graph=" + encodeURIComponent(state.graph.graph)).then(function (r) {
      if (!r.ok) { status(r.data.message); return false; }
      state.steps = r.data;
      state.stepper.data = r.data;
      return true;
    });
  }
  function stepTo(k) {
    if (!state.graph) { return Promise.resolve(); }
    return withSteps().then(function (ok) {
      if (!ok) { return; }
      var total = state.steps.steps.length;
      state.step = Math.max(0, Math.min(total - 1, k));
      var step = state.stepper.show(state.step);
      $("step-counter").textContent = tr("Step {step} / {total}", { step: state.step + 1, total: total });
      $("step-caption").textContent = step.caption;
      $("graph").dataset.step = String(state.step + 1);
      $("step-prev").disabled = state.step === 0;
      $("step-next").disabled = state.step === total - 1;
      if (state.step === total - 1) { stopPlay(); }
    });
  }
  function stopPlay() {
    if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
    $("step-play").textContent = tr("▶ Play");
    $("step-play").setAttribute("aria-pressed", "false");
  }
  function togglePlay() {
    if (state.timer !== null) { stopPlay(); return; }
    withSteps().then(function () {
      if (state.step >= state.steps.steps.length - 1) { stepTo(0); }
      $("step-play").textContent = tr("❚❚ Pause");
      $("step-play").setAttribute("aria-pressed", "true");
      state.timer = setInterval(function () { stepTo(state.step + 1); }, 900);
    });
  }
  function stepsDone() {
    stopPlay();
    if (state.stepper) { state.stepper.showFinal(); }
    state.step = -1;
    $("step-counter").textContent = tr("not stepping");
    $("step-prev").disabled = false; $("step-next").disabled = false;
    delete $("graph").dataset.step;
  }

  /* --- values and descent ------------------------------------------------------------- */
  function parseNumber(text, what) {
    var s = text.trim();
    if (!/^[-+−]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) { throw new Error(tr("{what} must be a number, got {text}", { what: what, text: JSON.stringify(text) })); }
    return Number(s.replace("−", "-"));
  }
  function setLeaf() {
    var value;
    try { value = parseNumber($("leaf-value").value, tr("the value")); } catch (err) { status(err.message); return; }
    status(tr("Re-evaluating…"));
    return api("POST", "/api/set", { graph: state.graph.graph, node: state.selected, value: value }).then(function (r) {
      if (!r.ok) { status(r.data.message); return; }
      show(r.data);
      status(tr("Re-evaluated: {name} = {value}", { name: r.data.root_name || tr("the output"), value: full(r.data.loss) }));
    });
  }
  function descend() {
    var lr;
    try { lr = parseNumber($("lr").value, tr("the learning rate")); } catch (err) { status(err.message); return; }
    return api("POST", "/api/step", { graph: state.graph.graph, lr: lr }).then(function (r) {
      if (!r.ok) { status(r.data.message); return; }
      show(r.data);
      status(tr("Descent step {step}: {name} = {value}", { step: r.data.losses.length - 1, name: r.data.root_name || tr("loss"),
                                                            value: full(r.data.loss) }));
    });
  }
  function drawLoss(losses, name) {
    var box = $("loss-plot");
    box.textContent = "";
    var nums = losses.filter(function (x) { return typeof x === "number"; });
    var told = { name: name, count: losses.length - 1, values: losses.map(fmt).join(" → ") };
    $("loss-text").textContent = losses.length === 2 ? tr("{name} after {count} descent step: {values}", told) :
      tr("{name} after {count} descent steps: {values}", told);
    $("loss-text").dataset.losses = JSON.stringify(losses);
    if (nums.length < 2) { return; }
    var w = 300, h = 110, pad = 24;
    var lo = Math.min.apply(null, nums), hi = Math.max.apply(null, nums);
    if (hi === lo) { hi = lo + 1; }
    var svg = el("svg", { width: String(w), height: String(h), viewBox: "0 0 " + w + " " + h }, [], SVGNS);
    var pts = nums.map(function (y, i) {
      return [pad + (w - 2 * pad) * i / (nums.length - 1), h - pad - (h - 2 * pad) * (y - lo) / (hi - lo)];
    });
    svg.appendChild(el("polyline", { "class": "line", points: pts.map(function (p) { return p.join(","); }).join(" ") }, [], SVGNS));
    pts.forEach(function (p) { svg.appendChild(el("circle", { "class": "dot", cx: String(p[0]), cy: String(p[1]), r: "2.5" }, [], SVGNS)); });
    svg.appendChild(el("text", { x: "2", y: "12" }, [fmt(hi)], SVGNS));
    svg.appendChild(el("text", { x: "2", y: String(h - 4) }, [fmt(lo)], SVGNS));
    svg.appendChild(el("text", { x: String(w - 60), y: String(h - 4) }, [tr("step {step}", { step: nums.length - 1 })], SVGNS));
    box.appendChild(svg);
  }

  /* --- export -------------------------------------------------------------------------- */
  function copy(text, what) {
    var done = function () { $("copied").textContent = tr("{what} copied.", { what: what }); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
    $("copied").dataset.text = text;
  }
  function fallbackCopy(text) {
    var t = el("textarea", {}, [text]);
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } catch (err) { /* nothing more to try */ }
    t.remove();
  }
  function exportSvg() {
    var s = svgRoot();
    if (!s) { return; }
    var text = new XMLSerializer().serializeToString(s);
    var url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    var a = el("a", { href: url, download: "graph.svg" }, []);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    $("copied").textContent = tr("graph.svg exported.");
  }

  /* --- wiring -------------------------------------------------------------------------- */
  function on(id, event, f) { $(id).addEventListener(event, f); }
  on("case-load", "click", function () { openGraph({ case: $("case-select").value }); });
  on("case-select", "keydown", function (e) { if (e.key === "Enter") { openGraph({ case: $("case-select").value }); } });
  on("expr-load", "click", function () {
    openGraph({ expression: $("expr").value, values: $("expr-values").value }, $("expr-error"), [$("expr"), $("expr-values")]);
  });
  ["expr", "expr-values"].forEach(function (id) {
    on(id, "keydown", function (e) { if (e.key === "Enter") { $("expr-load").click(); } });
  });
  on("net-load", "click", function () {
    var spec;
    try { spec = networkSpec(); } catch (err) { $("net-error").textContent = err.message; return; }
    openGraph({ network: spec }, $("net-error"));
  });
  on("node-select", "change", function () { if ($("node-select").value) { select($("node-select").value); } });
  on("form-paths", "change", function () { if (state.selected) { select(state.selected); } });
  on("form-delta", "change", function () { if (state.selected) { select(state.selected); } });
  on("formula", "input", function () { state.lastKey = performance.now(); scheduleCheck(); });
  on("copy-latex", "click", function () { if (state.explanation) { copy(state.explanation.latex, "LaTeX"); } });
  on("copy-md", "click", function () { if (state.explanation) { copy(state.explanation.markdown, "Markdown"); } });
  on("export-svg", "click", exportSvg);
  on("leaf-set", "click", setLeaf);
  on("leaf-value", "keydown", function (e) { if (e.key === "Enter") { setLeaf(); } });
  on("descend", "click", descend);
  on("step-prev", "click", function () { stopPlay(); stepTo(state.step < 0 ? 0 : state.step - 1); });
  on("step-next", "click", function () { stopPlay(); stepTo(state.step + 1); });
  on("step-play", "click", togglePlay);
  on("step-done", "click", stepsDone);
  on("zoom", "click", function () {
    var fit = $("stage").classList.toggle("fit");
    $("zoom").textContent = fit ? tr("Actual size") : tr("Fit to width");
    $("zoom").setAttribute("aria-pressed", fit ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.altKey || e.ctrlKey || e.metaKey || !state.graph) { return; }
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) { return; }
    if (e.key === "ArrowRight") { stopPlay(); stepTo(state.step + 1); }
    else if (e.key === "ArrowLeft") { stopPlay(); stepTo(state.step < 0 ? 0 : state.step - 1); }
    else if (e.key === "Home") { stopPlay(); stepTo(0); }
    else if (e.key === "End") { stopPlay(); withSteps().then(function () { stepTo(state.steps.steps.length - 1); }); }
    else { return; }
    e.preventDefault();
  });

  on("lang", "change", function () { switchLanguage($("lang").value); });

  loadMessages().then(loadCases).then(function () {
    var gid = params.get("graph"), c = params.get("case");
    if (gid) {
      return api("GET", "/api/graph?graph=" + encodeURIComponent(gid)).then(function (r) {
        if (r.ok) { show(r.data); } else { status(r.data.message); }
      });
    }
    $("case-select").value = c || "000";
    return openGraph({ case: c || "000" });
  });
})();
