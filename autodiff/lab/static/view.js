/* autodiff lab: how the graph is looked at. Zoom (10% to 400%, buttons and + − 0 keys on the
   graph, "Fit" to the stage), scrolling the node or edge in focus into view, presentation mode
   for a projector, and the keyboard on the graph: one tab stop, arrow keys between nodes. */
(function () {
  "use strict";
  var L = window.autodiffLab;
  var $ = L.$, tr = L.tr;
  var LEVELS = [0.1, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4];
  var view = L.view = { zoom: 1, fit: false };

  function svg() { return $("graph").querySelector("svg"); }
  function natural(s) {  /* the drawing's size in CSS px at 100% (Graphviz writes points) */
    var box = s.viewBox && s.viewBox.baseVal;
    return box && box.width ? { w: box.width * 4 / 3, h: box.height * 4 / 3 } : { w: 800, h: 600 };
  }
  function fitScale() {
    var s = svg(), stage = $("stage");
    if (!s) { return 1; }
    var n = natural(s);
    var w = stage.clientWidth - 4, h = stage.clientHeight - 4;
    var k = document.body.classList.contains("presenting") ? Math.min(w / n.w, h / n.h) : w / n.w;
    return Math.max(0.1, Math.min(4, k));
  }
  function apply() {
    var s = svg();
    if (!s) { return; }
    var n = natural(s);
    var k = view.fit ? fitScale() : view.zoom;
    s.style.width = Math.round(n.w * k) + "px";
    s.style.height = Math.round(n.h * k) + "px";
    s.removeAttribute("width"); s.removeAttribute("height");
    $("zoom-level").textContent = Math.round(k * 100) + "%";
    $("zoom").setAttribute("aria-pressed", view.fit ? "true" : "false");
    $("stage").dataset.zoom = String(Math.round(k * 100));
    $("zoom-out").disabled = !view.fit && view.zoom <= LEVELS[0];
    $("zoom-in").disabled = !view.fit && view.zoom >= LEVELS[LEVELS.length - 1];
  }
  function setZoom(k, keep) {
    var stage = $("stage");
    var before = view.fit ? fitScale() : view.zoom;
    var cx = (stage.scrollLeft + stage.clientWidth / 2) / before, cy = (stage.scrollTop + stage.clientHeight / 2) / before;
    view.fit = false;
    view.zoom = Math.max(LEVELS[0], Math.min(LEVELS[LEVELS.length - 1], k));
    apply();
    if (keep !== false) {  /* the same point stays in the middle */
      stage.scrollLeft = cx * view.zoom - stage.clientWidth / 2;
      stage.scrollTop = cy * view.zoom - stage.clientHeight / 2;
    }
  }
  function zoomBy(dir) {
    var now = view.fit ? fitScale() : view.zoom;
    var next = dir > 0 ? LEVELS.filter(function (z) { return z > now + 1e-9; })[0] :
      LEVELS.filter(function (z) { return z < now - 1e-9; }).pop();
    if (next !== undefined) { setZoom(next); }
  }
  function toggleFit() {
    view.fit = !view.fit;
    apply();
  }
  L.zoomBy = zoomBy;
  L.setZoom = setZoom;

  /* The first view of a new drawing: readable (not below 75%, or fitted when it fits at 100%), on its output. */
  L.firstView = function (rootId) {
    var s = svg();
    if (!s) { return; }
    var k = fitScale();
    view.fit = false;
    view.zoom = k >= 1 ? 1 : Math.max(0.75, LEVELS.filter(function (z) { return z <= k; }).pop() || 0.1);
    apply();
    var root = rootId && $("n-" + rootId);
    if (root) { reveal(root, true); }
  };
  L.applyZoom = apply;

  /* Scroll the stage (only it, never the page) so that an element of the drawing is in view. */
  function reveal(elem, center) {
    var stage = $("stage");
    if (!elem || !stage) { return; }
    var r = elem.getBoundingClientRect(), s = stage.getBoundingClientRect();
    var inside = r.left >= s.left && r.right <= s.right && r.top >= s.top && r.bottom <= s.bottom;
    if (inside && !center) { return; }
    stage.scrollLeft += (r.left + r.width / 2) - (s.left + stage.clientWidth / 2);
    stage.scrollTop += (r.top + r.height / 2) - (s.top + stage.clientHeight / 2);
  }
  L.reveal = reveal;

  /* --- presentation mode ------------------------------------------------------------------ */
  function present(on) {
    document.body.classList.toggle("presenting", on);
    $("present").setAttribute("aria-pressed", on ? "true" : "false");
    $("present").textContent = on ? tr("Leave presentation") : tr("Present");
    view.fit = on;
    apply();
  }
  L.present = present;

  /* --- the keyboard on the graph: one tab stop, arrows between nodes ------------------------ */
  function nodes() { var s = svg(); return s ? Array.prototype.slice.call(s.querySelectorAll("g.node[role=button]")) : []; }
  L.rove = function (target) {  /* the one node of the drawing in the tab order */
    var all = nodes();
    if (!all.length) { return; }
    var keep = target || all.filter(function (g) { return g.tabIndex === 0; })[0] || all[0];
    all.forEach(function (g) { g.setAttribute("tabindex", g === keep ? "0" : "-1"); });
    return keep;
  };
  function centre(g) { var r = g.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; }
  function nearest(from, dx, dy) {  /* the closest node in the arrow's direction (within 60° of it) */
    var a = centre(from), best = null, bestScore = Infinity;
    nodes().forEach(function (g) {
      if (g === from) { return; }
      var b = centre(g), vx = b.x - a.x, vy = b.y - a.y;
      var along = vx * dx + vy * dy, across = Math.abs(vx * dy - vy * dx);
      if (along <= 0 || across > along * 1.8) { return; }
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = g; }
    });
    return best;
  }
  var ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  $("graph").addEventListener("keydown", function (e) {
    var g = e.target.closest && e.target.closest("g.node[role=button]");
    if (!g || e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (ARROWS[e.key]) {
      var next = nearest(g, ARROWS[e.key][0], ARROWS[e.key][1]);
      if (next) { L.rove(next); next.focus({ preventScroll: true }); reveal(next); }
      e.preventDefault();
    }
  });
  $("stage").addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.key === "+" || e.key === "=") { zoomBy(1); }
    else if (e.key === "-" || e.key === "_") { zoomBy(-1); }
    else if (e.key === "0") { setZoom(1); }
    else if (e.target === $("stage") && ARROWS[e.key]) { var g = L.rove(); if (g) { g.focus(); reveal(g); } }
    else { return; }
    e.preventDefault();
  });

  L.on("zoom", "click", toggleFit);
  L.on("zoom-in", "click", function () { zoomBy(1); });
  L.on("zoom-out", "click", function () { zoomBy(-1); });
  L.on("zoom-reset", "click", function () { setZoom(1); });
  L.on("present", "click", function () { present(!document.body.classList.contains("presenting")); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("presenting")) { present(false); }
  });
  window.addEventListener("resize", function () { if (view.fit) { apply(); } });
})();
