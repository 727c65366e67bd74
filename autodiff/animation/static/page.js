/* The animation page (autodiff.animation): its texts in every language of the page, the caption and the
   counter of each step, the compressed drawing, and keeping the current node in view. The one player
   (player.js, loaded before this script) moves through the steps. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("steps-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var root = $("player"), graph = $("graph"), stage = $("stage"), caption = $("caption"), counter = $("step-counter");
  var prev = $("prev"), next = $("next"), play = $("play"), zoom = $("zoom"), langSelect = $("lang");
  var total = data.steps.length;
  var lang = data.lang;
  var stepper = null;
  var fields = {focus: "focusNode", focus_name: "focusName", focus_grad: "focusGrad", focus_grad_text: "focusGradText",
                target: "targetNode", target_name: "targetName", target_grad: "targetGrad",
                target_grad_text: "targetGradText", note: "edgeNote"};

  function t(key, values) {  /* a control's text in the page's language, its {placeholders} filled in */
    return data.ui[lang][key].replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }
  var labels = {
    play: function () { return "\u25b6 " + t("play"); }, pause: function () { return "\u275a\u275a " + t("pause"); },
    fit: function () { return t("fit"); }, actual: function () { return t("actual"); }
  };

  function box(id) {
    var el = id ? graph.querySelector("#n-" + id) : null;
    return el ? el.getBoundingClientRect() : null;
  }
  function follow(step) {  /* keep the current node and the node it feeds in view */
    var a = box(step.focus), b = box(step.target) || a;
    if (!a) { return; }
    var s = stage.getBoundingClientRect();
    var x = (Math.min(a.left, b.left) + Math.max(a.right, b.right)) / 2;
    var y = (Math.min(a.top, b.top) + Math.max(a.bottom, b.bottom)) / 2;
    stage.scrollLeft += x - (s.left + s.width / 2);
    stage.scrollTop += y - (s.top + s.height / 2);
  }
  function show(k) {
    var step = stepper.show(k);
    counter.textContent = t("counter", {step: k + 1, total: total});
    caption.textContent = data.captions[lang][k];
    root.dataset.step = String(k + 1);
    Object.keys(fields).forEach(function (key) {
      var value = step[key];
      if (value === null || value === undefined || value === "") { delete root.dataset[fields[key]]; }
      else { root.dataset[fields[key]] = String(value); }
    });
    follow(step);
  }

  var player = autodiffPlayer.create({
    show: show,
    total: function () { return total; },
    interval: data.interval,
    prev: prev, next: next, play: play, fit: zoom, stage: stage,
    label: function (key) { return labels[key](); },
    ignore: function (e) { return stepper === null || e.target === langSelect; },  /* the switch keeps its own keys */
    changed: function (p, what) {
      root.dataset.playing = p.playing ? "true" : "false";
      root.dataset.fit = p.fit ? "true" : "false";
      if (what === "fit" && p.current >= 0) { follow(data.steps[p.current]); }
    }
  });

  function setLanguage(code) {  /* the switch: every text of the page in another language, same step */
    if (!data.ui[code]) { return; }
    lang = code;
    document.documentElement.lang = code;
    langSelect.value = code;
    document.title = t("title");
    $("title").textContent = t("title");
    $("lang-label").textContent = t("language");
    $("help").textContent = t("help");
    prev.textContent = "\u25c0 " + t("prev");
    prev.setAttribute("aria-label", t("prev_label"));
    next.textContent = t("next") + " \u25b6";
    next.setAttribute("aria-label", t("next_label"));
    zoom.title = t("key_f");
    player.relabel();
    root.dataset.lang = code;
    if (stepper !== null) { show(player.current); }
  }
  langSelect.addEventListener("change", function () { setLanguage(langSelect.value); });

  function unpack() {  /* a compressed page keeps the drawing gzipped until it is first shown */
    if (!graph.dataset.packed) { return Promise.resolve(); }
    var text = atob(graph.dataset.packed), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (svg) {
      graph.innerHTML = svg;
      delete graph.dataset.packed;
    });
  }
  unpack().then(function () {
    stepper = new autodiffSteps.Stepper(graph.querySelector("svg"), data);
    player.show(0);
    root.dataset.lang = lang;
    root.dataset.ready = "true";
  }, function (err) {
    caption.textContent = t("unpack_failed", {error: err}) + " " + caption.textContent;
  });
})();
