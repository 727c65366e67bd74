/* autodiff lab: never losing the learner's work. The page's state lives in the URL's fragment
   (#lab=..., never sent to the server) and in this browser's storage: the graph's source (a case,
   an expression with its values, a network form), the leaf values changed since it was built, the
   loss history, the node, the formula, the form and the tab. A reload or a graph the server no
   longer keeps is built again from it. Undo, Redo and Reset of value edits and descent steps;
   Save and Open a graph as a JSON file; Copy link; Export SVG (with its highlighting) and PNG. */
(function () {
  "use strict";
  var L = window.autodiffLab;
  var $ = L.$, tr = L.tr, el = L.el;
  var KEY = "autodiff-lab-state";
  var MAX_FILE = 64 * 1024;
  var MAX_POINTS = 200;  /* loss history points kept in a link */
  var undo = [], redo = [];

  /* --- the state ------------------------------------------------------------------------- */
  function current() {
    var s = L.state, g = s.graph;
    if (!g) { return null; }
    var leaves = {};
    g.nodes.forEach(function (n) {
      if (n.leaf && g.initial && Object.prototype.hasOwnProperty.call(g.initial, n.id) && g.initial[n.id] !== n.data) {
        leaves[n.id] = n.data;
      }
    });
    return {
      v: 1, src: g.source || null, show: g.source ? null : g.graph, leaves: leaves,
      hist: { losses: g.losses.slice(-MAX_POINTS), kinds: g.kinds.slice(-MAX_POINTS) },
      node: s.selected || null, formula: $("formula").value, form: $("form-delta").checked ? "delta" : "paths",
      tab: $("tab-practice").getAttribute("aria-selected") === "true" ? "practice" : "derivation",
    };
  }
  function encode(st) { return "lab=" + encodeURIComponent(JSON.stringify(st)); }
  function decode(fragment) {
    var text = fragment.replace(/^#/, "");
    if (text.indexOf("lab=") !== 0) { return null; }
    try {
      var st = JSON.parse(decodeURIComponent(text.slice(4)));
      return st && typeof st === "object" && st.v === 1 ? st : null;
    } catch (err) { return null; }
  }
  function keep() {  /* the URL's fragment and the browser's storage follow every change */
    var st = current();
    if (!st) { return; }
    var query = new URLSearchParams();
    if (L.token) { query.set("token", L.token); }
    if (L.lang) { query.set("lang", L.lang); }
    if (st.show) { query.set("graph", st.show); }
    history.replaceState(null, "", location.pathname + "?" + query.toString() + "#" + encode(st));
    try { localStorage.setItem(KEY, JSON.stringify(st)); } catch (err) { /* storage full or off: the URL keeps it */ }
    $("undo").disabled = !undo.length;
    $("redo").disabled = !redo.length;
    $("save-graph").disabled = !st.src;
  }
  L.keep = keep;
  function stored() {
    try { var st = JSON.parse(localStorage.getItem(KEY) || "null"); return st && st.v === 1 ? st : null; }
    catch (err) { return null; }
  }
  function linkWithoutToken() { var st = current(); return st ? location.origin + "/#" + encode(st) : ""; }

  /* A graph built again from a kept state: its source, then its values and its loss history. */
  function openFrom(st, errorField) {
    if (!st.src) { showGone(); return Promise.resolve(false); }
    var body = Object.assign({}, st.src);
    if (st.leaves && Object.keys(st.leaves).length) { body.leaves = st.leaves; }
    if (st.hist && st.hist.losses && st.hist.losses.length) { body.history = st.hist; }
    L.status(tr("Building the graph…"));
    return L.api("POST", "/api/graph", body).then(function (r) {
      if (!r.ok) {
        L.status("");
        if (errorField) { L.fieldError(errorField, r.data.message); } else { L.status(r.data.message); }
        return false;
      }
      if (st.form === "delta") { $("form-delta").checked = true; }
      L.show(r.data);
      return L.settle(st);
    });
  }
  L.openFrom = openFrom;
  function showGone() {
    L.status(tr("This graph came from lab.show() in Python, which no link can build again: call show() again."));
    $("lab").dataset.gone = "true";
  }
  L.rebuild = function (old) {
    var st = current();
    if (!st || !st.src) { showGone(); return Promise.resolve(null); }
    var body = Object.assign({}, st.src, Object.keys(st.leaves).length ? { leaves: st.leaves } : {}, { history: st.hist });
    return L.api("POST", "/api/graph", body).then(function (r) {
      if (!r.ok) { L.status(r.data.message); return null; }
      L.show(r.data);
      $("lab").dataset.rebuilt = String(Number($("lab").dataset.rebuilt || 0) + 1);
      return r.data.graph;
    });
  };

  /* Where the page starts: the fragment, the URL's graph or case, the browser's storage, document 000. */
  L.restore = function () {
    var fromLink = decode(location.hash);
    if (fromLink) { try { localStorage.setItem(KEY, JSON.stringify(fromLink)); } catch (err) { /* the URL keeps it */ } }
    if (!L.token) {
      L.status(tr("This page needs the lab's key: open the URL the lab printed when it started (your graph opens there)."));
      return Promise.resolve(false);
    }
    var gid = L.params.get("graph"), c = L.params.get("case");
    if (gid) {
      return L.api("GET", "/api/graph?graph=" + encodeURIComponent(gid)).then(function (r) {
        if (r.ok) { L.show(r.data); return L.settle(fromLink && fromLink.show === gid ? fromLink : {}); }
        if (r.status === 404) { showGone(); } else { L.status(r.data.message); }
        return false;
      });
    }
    if (fromLink) { return openFrom(fromLink); }
    if (!c && stored()) { return openFrom(stored()); }
    $("case-select").value = c || "000";
    return L.openGraph({ case: c || "000" });
  };

  /* --- undo, redo, reset ------------------------------------------------------------------ */
  function snapshot() {
    var g = L.state.graph, leaves = {};
    g.nodes.forEach(function (n) { if (n.leaf) { leaves[n.id] = n.data; } });
    return { leaves: leaves, hist: { losses: g.losses.slice(), kinds: g.kinds.slice() } };
  }
  L.remember = function () { if (L.state.graph) { undo.push(snapshot()); redo = []; keep(); } };
  L.forget = function () { undo.pop(); keep(); };  /* the change failed: nothing to undo */
  L.clearHistory = function () { undo = []; redo = []; };
  function go(to, from) {
    if (!to.length || !L.state.graph) { return Promise.resolve(); }
    from.push(snapshot());
    var s = to.pop();
    return L.api("POST", "/api/values", { graph: L.state.graph.graph, leaves: s.leaves, history: s.hist }).then(function (r) {
      if (!r.ok) { L.status(r.data.message); return; }
      L.show(r.data);
      L.status(tr("{name} = {value}", { name: r.data.root_name || tr("the output"), value: L.full(r.data.loss) }));
    });
  }
  L.on("undo", "click", function () { return go(undo, redo); });
  L.on("redo", "click", function () { return go(redo, undo); });
  L.on("reset", "click", function () {
    var g = L.state.graph;
    if (!g) { return; }
    L.remember();
    L.api("POST", "/api/values", { graph: g.graph, leaves: g.initial,
                                   history: { losses: [0], kinds: ["start"] } }).then(function (r) {
      if (!r.ok) { L.forget(); L.status(r.data.message); return; }
      L.show(r.data);
      L.status(tr("Back to the graph's first values."));
    });
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!(e.ctrlKey || e.metaKey) || e.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    if (e.key === "z" && !e.shiftKey) { go(undo, redo); } else if (e.key === "y" || (e.key === "Z" && e.shiftKey)) { go(redo, undo); }
    else { return; }
    e.preventDefault();
  });

  /* --- files and links --------------------------------------------------------------------- */
  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: name }, []);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    $("copied").textContent = tr("{name} saved.", { name: name });
  }
  L.on("save-graph", "click", function () {
    var st = current();
    if (!st || !st.src) { return; }
    var file = { autodiff_lab: 1, source: st.src, leaves: st.leaves, history: st.hist, node: st.node, formula: st.formula };
    download(new Blob([JSON.stringify(file, null, 1)], { type: "application/json" }), "lab-graph.json");
  });
  L.on("open-file", "change", function () {
    var field = $("open-file"), f = field.files && field.files[0];
    L.fieldError(field, "");
    if (!f) { return; }
    if (f.size > MAX_FILE) { L.fieldError(field, tr("The file has {size} bytes; the lab opens at most {max}.", { size: f.size, max: MAX_FILE })); return; }
    f.text().then(function (text) {
      var data;
      try { data = JSON.parse(text); } catch (err) { data = null; }
      if (!data || data.autodiff_lab !== 1 || !data.source || typeof data.source !== "object") {
        L.fieldError(field, tr("This is not a graph saved by the lab (a JSON file from Save)."));
        return;
      }
      L.clearHistory();
      return openFrom({ v: 1, src: data.source, leaves: data.leaves || {}, hist: data.history || null,
                        node: data.node || null, formula: data.formula || "" }, field);
    }).then(function () { field.value = ""; });
  });
  L.on("copy-link", "click", function () { L.copy(linkWithoutToken(), tr("Link")); });

  /* The drawing as it looks now: every computed style written on the element, so highlights stay. */
  var STYLED = ["fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "font-weight", "font-size",
                "font-family", "visibility"];  /* written as SVG presentation attributes (the CSP refuses style="") */
  function styledSvg() {
    var s = $("graph").querySelector("svg");
    if (!s) { return null; }
    var copy = s.cloneNode(true);
    var from = s.querySelectorAll("*"), to = copy.querySelectorAll("*");
    for (var i = 0; i < from.length; i++) {
      var cs = getComputedStyle(from[i]);
      for (var k = 0; k < STYLED.length; k++) { to[i].setAttribute(STYLED[k], cs.getPropertyValue(STYLED[k])); }
      to[i].removeAttribute("tabindex");
      to[i].removeAttribute("class");
    }
    var box = s.viewBox.baseVal;
    copy.setAttribute("xmlns", L.SVGNS);
    copy.setAttribute("width", String(Math.round(box.width * 4 / 3)));
    copy.setAttribute("height", String(Math.round(box.height * 4 / 3)));
    copy.style.removeProperty("width"); copy.style.removeProperty("height");
    copy.removeAttribute("style");
    copy.insertBefore(el("rect", { x: String(box.x), y: String(box.y), width: String(box.width), height: String(box.height), fill: "#ffffff" }, [], L.SVGNS), copy.firstChild);
    return { text: new XMLSerializer().serializeToString(copy), w: box.width * 4 / 3, h: box.height * 4 / 3 };
  }
  L.on("export-svg", "click", function () {
    var s = styledSvg();
    if (s) { download(new Blob([s.text], { type: "image/svg+xml" }), "graph.svg"); }
  });
  L.on("export-png", "click", function () {
    var s = styledSvg();
    if (!s) { return; }
    var img = new Image(), scale = Math.min(2, 8000 / Math.max(s.w, s.h));
    img.onload = function () {
      var canvas = el("canvas", { width: String(Math.round(s.w * scale)), height: String(Math.round(s.h * scale)) }, []);
      var ctx = canvas.getContext("2d");
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, s.w, s.h);
      canvas.toBlob(function (blob) { download(blob, "graph.png"); }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(s.text);
  });
})();
