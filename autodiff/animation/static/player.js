/* autodiff's backward-pass player (autodiff.animation): the one script that steps through the backward
   pass, for the animation page and the lab.

   autodiffSteps.Stepper(svg, data) shows step k of the steps (the JSON of animation.step_data) on the one
   layout, without moving a node: every node's gradient so far, the focus and target marks, the current
   edge and its note.
     stepper.show(k) -> the step's data;  stepper.showFinal(): every final gradient, no marks;
     stepper.data may be set later (the lab fetches the steps when stepping starts).
   autodiffSteps.gradAt(history, k): a node's gradient text at step k, or null before any reached it.

   autodiffPlayer.create(options) -> a player: the controls that move through the steps.
     options.show(k)         draws step k (the caller's: the stepper, a caption, a counter); required
     options.total()         how many steps there are; required (asked once options.prepare has settled)
     options.prepare()       optional: a promise of true when the steps can be shown (false: they cannot)
     options.interval        milliseconds between steps while playing (default 1500)
     options.prev, .next, .play, .fit   the buttons (any may be left out)
     options.stage           the element the class "fit" is toggled on
     options.label(key)      the text of a button: key "play", "pause", "fit" or "actual"
     options.keys            the element whose keydown events step (default: document)
     options.ignore(event)   true when a key belongs to something else (a select, a text field)
     options.changed(player, what)   after every change; what is "step", "play" or "fit"
   player.show(k) .next() .prev() .first() .last() .play() .stop() .toggle() .toggleFit() .reset()
     .relabel() (the buttons' texts again, after a change of language) .setInterval(ms), and the
     fields .current (-1: not stepping), .playing, .fit. Each moving call returns a promise.
   Keys: ← / → a step, Home / End the first / last step, Space play / pause (also on a focused button:
   the player's own buttons ignore Space), f fit to width / actual size. */
var autodiffSteps = (function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  function Stepper(svg, data) {
    this.svg = svg;
    this.data = data;
    this.texts = {};
    var texts = svg.querySelectorAll("text.grad");
    for (var i = 0; i < texts.length; i++) {
      this.texts[texts[i].getAttribute("data-node")] = texts[i];
    }
    this.marked = [];
    this.note = null;
    this.current = -1;
  }
  function gradAt(history, k) {  /* the text of the last change at or before step k (binary search) */
    var lo = 0, hi = history.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (history[mid][0] <= k) { lo = mid + 1; } else { hi = mid; } }
    return lo ? history[lo - 1][1] : null;
  }
  function setText(el, text, unknown) {
    if (el.getAttribute("data-width") === null) {  /* the width dot gave this cell (the final text) */
      var w = el.getComputedTextLength ? el.getComputedTextLength() : 0;
      if (w > 0) { el.setAttribute("data-width", String(w)); }
    }
    el.textContent = text;
    el.classList.toggle("unknown", unknown);
    var width = Number(el.getAttribute("data-width") || 0);
    el.removeAttribute("textLength");
    if (width > 0 && el.getComputedTextLength() > width) {  /* a longer running sum: squeeze it into the box */
      el.setAttribute("textLength", String(width));
      el.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
  Stepper.prototype.element = function (id) {
    return id ? this.svg.querySelector("#" + id) : null;
  };
  Stepper.prototype.clear = function () {
    this.marked.forEach(function (m) { m[0].classList.remove(m[1]); });
    this.marked = [];
    if (this.note) { this.note.parentNode.removeChild(this.note); this.note = null; }
  };
  Stepper.prototype.mark = function (el, cls) {
    if (el) { el.classList.add(cls); this.marked.push([el, cls]); }
  };
  Stepper.prototype.show = function (k) {
    var data = this.data, step = data.steps[k];
    this.current = k;
    for (var id in this.texts) {
      var text = gradAt(data.grads[id] || [], k);
      setText(this.texts[id], text === null ? "grad ?" : "grad " + text, text === null);
    }
    this.clear();
    this.mark(this.element("n-" + step.focus), "focus");
    this.mark(this.element("n-" + step.target), "target");
    var edge = this.element(step.edge);
    this.mark(edge, "current");
    if (edge && step.note) {
      var note = document.createElementNS(SVG, "text");
      note.setAttribute("class", "note");
      note.setAttribute("x", edge.getAttribute("data-note-x"));
      note.setAttribute("y", edge.getAttribute("data-note-y"));
      note.textContent = step.note;
      edge.appendChild(note);
      this.note = note;
    }
    return step;
  };
  Stepper.prototype.showFinal = function () {  /* every gradient, no marks: the drawing as draw() makes it */
    this.clear();
    for (var id in this.texts) {
      var h = this.data.grads[id] || [];
      setText(this.texts[id], h.length ? "grad " + h[h.length - 1][1] : "grad ?", !h.length);
    }
    this.current = -1;
  };
  return { Stepper: Stepper, gradAt: gradAt };
})();

var autodiffPlayer = (function () {
  "use strict";
  function create(options) {
    var o = options;
    var timer = null;
    var player = { current: -1, playing: false, fit: false, interval: o.interval || 1500 };
    function changed(what) { if (o.changed) { o.changed(player, what); } }
    function ready(then) {  /* run `then` once the steps can be shown; always a promise */
      if (!o.prepare) { return Promise.resolve(then()); }
      return Promise.resolve(o.prepare()).then(function (ok) { return ok === false ? undefined : then(); });
    }
    function setLabel(button, text) { if (button && text !== undefined) { button.textContent = text; } }
    player.relabel = function () {
      if (!o.label) { return; }
      setLabel(o.play, o.label(player.playing ? "pause" : "play"));
      setLabel(o.fit, o.label(player.fit ? "actual" : "fit"));
    };
    function draw(k) {  /* step k, within the steps; the buttons follow; playing stops at the last step */
      var total = o.total();
      if (total < 1) { return; }
      player.current = Math.max(0, Math.min(total - 1, k));
      o.show(player.current);
      if (o.prev) { o.prev.disabled = player.current === 0; }
      if (o.next) { o.next.disabled = player.current === total - 1; }
      if (player.current === total - 1) { player.stop(); }
      changed("step");
    }
    player.show = function (k) { return ready(function () { draw(k); }); };
    player.next = function () { return player.show(player.current + 1); };
    player.prev = function () { return player.show(player.current < 0 ? 0 : player.current - 1); };
    player.first = function () { return player.show(0); };
    player.last = function () { return ready(function () { draw(o.total() - 1); }); };
    player.stop = function () {
      var was = player.playing;
      if (timer !== null) { clearInterval(timer); timer = null; }
      player.playing = false;
      if (o.play) { o.play.setAttribute("aria-pressed", "false"); }
      player.relabel();
      if (was) { changed("play"); }
    };
    player.play = function () {
      return ready(function () {
        if (player.playing) { return; }
        if (player.current >= o.total() - 1) { draw(0); }
        if (o.total() < 2) { return; }
        player.playing = true;
        if (o.play) { o.play.setAttribute("aria-pressed", "true"); }
        player.relabel();
        timer = setInterval(function () { draw(player.current + 1); }, player.interval);
        changed("play");
      });
    };
    player.toggle = function () { return player.playing ? Promise.resolve(player.stop()) : player.play(); };
    player.setInterval = function (ms) {
      player.interval = ms;
      if (player.playing) { player.stop(); return player.play(); }
      return Promise.resolve();
    };
    player.toggleFit = function () {
      if (!o.stage) { return; }
      player.fit = o.stage.classList.toggle("fit");
      if (o.fit) { o.fit.setAttribute("aria-pressed", player.fit ? "true" : "false"); }
      player.relabel();
      changed("fit");
    };
    player.reset = function () {  /* not stepping: no step shown, both directions open */
      player.stop();
      player.current = -1;
      if (o.prev) { o.prev.disabled = false; }
      if (o.next) { o.next.disabled = false; }
      changed("step");
    };

    function on(button, f) {
      if (!button) { return; }
      button.addEventListener("click", f);
      button.addEventListener("keyup", function (e) {  /* Space is play / pause, never "press this button" */
        if (e.key === " ") { e.preventDefault(); }
      });
    }
    on(o.prev, function () { player.stop(); player.prev(); });
    on(o.next, function () { player.stop(); player.next(); });
    on(o.play, function () { player.toggle(); });
    on(o.fit, function () { player.toggleFit(); });
    (o.keys || document).addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || (o.ignore && o.ignore(e))) { return; }
      if (e.key === "ArrowRight") { player.stop(); player.next(); }
      else if (e.key === "ArrowLeft") { player.stop(); player.prev(); }
      else if (e.key === "Home") { player.stop(); player.first(); }
      else if (e.key === "End") { player.stop(); player.last(); }
      else if (e.key === " " || e.key === "Spacebar") { player.toggle(); }
      else if ((e.key === "f" || e.key === "F") && o.stage) { player.toggleFit(); }
      else { return; }
      e.preventDefault();
    });
    return player;
  }
  return { create: create };
})();
