/* autodiff lab: the Practice tab. Exercises on the lab's current graph from /api/practice,
   answers graded by /api/practice/grade (autodiff.practice: the same grader as the terminal
   session). Every sentence the learner reads is a whole template below (TEXT) with named
   placeholders, for translation; every piece of text is set with textContent (never innerHTML).
   Reads the graph from lab.js only through the page (#lab's data-graph and the drawing) and asks
   the server through lab.js's api(), which adds the token and the page's language. */
(function () {
  "use strict";
  function N_(text) { return text; }  /* marks a template for the catalogue (autodiff/locale) */
  var TEXT = {
    loading: N_("Loading the exercises…"),
    none: N_("This graph has no exercises: it needs named nodes with a gradient."),
    counter: N_("Question {number} of {total}: {kind}."),
    "kind.gradient": N_("a gradient"),
    "kind.local": N_("a local derivative"),
    "kind.next_step": N_("the next step of the backward pass"),
    "kind.fill": N_("fill in the hidden gradients"),
    howto: N_("Type a number (at least 3 significant digits) or a formula in the node names, then press Enter or Check."),
    empty: N_("Type an answer first: a number such as 0.125, or a formula in the node names."),
    score: N_("Score: {right} right out of {asked} answered."),
    right: N_("Right."),
    imprecise: N_("Almost: right to the digits you typed, but type more digits."),
    mistake: N_("Not right. The grader recognises the mistake:"),
    mistakes: N_("Not right. The grader recognises {count} mistakes:"),
    wrong: N_("Not right, and it fits none of the common mistakes."),
    unreadable: N_("Cannot read that answer (it does not count): try again."),
    already: N_("(Only the first answer to a question counts in the score.)"),
    error: N_("The lab could not answer: {message}"),
    bad_seed: N_("The seed must be a whole number from 0 to 2147483647, got {seed}."),
    tag: N_("? asked"),
    asked_label: N_("{label} (asked in the practice exercise)"),
    mistake_item: N_("{description} ({id})"),
    summary: N_("End of the set: {right} right out of {total} questions ({asked} answered). Start again, or ask for new exercises with another seed."),
    again: N_("Start the set again"),
    next: N_("Next exercise")
  };
  function say(key, params) {  /* the template in the page's language (lab.js's catalogue), filled in */
    var t = TEXT.hasOwnProperty(key) ? TEXT[key] : key;
    if (window.autodiffTr) { t = window.autodiffTr(t); }
    return t.replace(/\{(\w+)\}/g, function (all, name) {
      return params && params.hasOwnProperty(name) ? String(params[name]) : all;
    });
  }
  var $ = function (id) { return document.getElementById(id); };
  var token = new URLSearchParams(location.search).get("token") || "";
  var lab = $("lab");
  var panel = $("practice-panel");
  var state = { graph: null, seed: 0, exercises: [], index: 0, right: 0, asked: 0, counted: {}, seq: 0, active: false };

  function api(method, path, body) { return window.autodiffLab.api(method, path, body); }  /* lab.js's: token, language */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function svg() { return $("graph").querySelector("svg"); }

  /* --- the drawing while practising: the asked node marked, the gradients hidden ----------- */
  function unmark() {
    var s = svg();
    if (!s) { return; }
    s.querySelectorAll(".practice-focus").forEach(function (g) { g.classList.remove("practice-focus"); });
    s.querySelectorAll("text.practice-tag").forEach(function (t) { t.remove(); });
    s.querySelectorAll("text.grad[data-practice-text]").forEach(function (t) {
      t.textContent = t.getAttribute("data-practice-text");
      t.removeAttribute("data-practice-text");
    });
    s.querySelectorAll(".practice-hidden").forEach(function (e) { e.classList.remove("practice-hidden"); });
    s.querySelectorAll("g.node[data-practice-label]").forEach(function (g) {
      g.setAttribute("aria-label", g.getAttribute("data-practice-label"));
      g.removeAttribute("data-practice-label");
    });
  }
  function mark() {
    unmark();
    var s = svg(), q = state.exercises[state.index];
    if (!s || !state.active || !q) { return; }
    if ($("practice-hide").checked) {
      s.querySelectorAll("text.grad").forEach(function (t) {
        var id = t.getAttribute("data-node");
        var shown = q.shown && typeof q.shown[id] === "string" ? "grad " + q.shown[id] : "grad ?";
        t.setAttribute("data-practice-text", t.textContent);
        t.textContent = shown;
        var g = s.querySelector("#n-" + id);
        var label = g && g.getAttribute("aria-label");
        if (label) {
          g.setAttribute("data-practice-label", label);
          g.setAttribute("aria-label", label.replace(/grad [^,]*$/, shown));
        }
      });
    }
    var graph = window.autodiffLab.state && window.autodiffLab.state.graph;
    if ($("practice-hide").checked && graph) {  /* the labels of the edges asked about give the answer: hidden */
      graph.edges.forEach(function (e) {
        if (q.focus.indexOf(e.from) >= 0 && q.focus.indexOf(e.to) >= 0) {
          var g = s.querySelector("#" + e.element);
          if (g) { g.classList.add("practice-hidden"); }
        }
      });
    }
    q.focus.forEach(function (id) {
      var g = s.querySelector("#n-" + id);
      if (!g) { return; }
      g.classList.add("practice-focus");
      if (id === q.node) {
        var box = g.getBBox();
        var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
        t.setAttribute("class", "practice-tag");
        t.setAttribute("x", String(box.x + box.width - 4));
        t.setAttribute("y", String(box.y - 3));
        t.setAttribute("text-anchor", "end");
        t.textContent = say("tag");
        t.setAttribute("aria-hidden", "true");  /* said by the node's label instead */
        g.parentNode.appendChild(t);  /* beside the node, not inside its accessible name */
        var label = g.getAttribute("data-practice-label") || g.getAttribute("aria-label");
        if (label) {
          if (!g.hasAttribute("data-practice-label")) { g.setAttribute("data-practice-label", label); }
          g.setAttribute("aria-label", say("asked_label", { label: g.getAttribute("aria-label") }));
        }
      }
    });
  }

  /* --- the exercises ------------------------------------------------------------------- */
  function load(keepPlace) {
    var gid = lab.dataset.graph;
    if (!gid) { return Promise.resolve(); }
    var seq = ++state.seq;
    panel.dataset.ready = "false";
    $("practice-counter").textContent = say("loading");
    return api("GET", "/api/practice?graph=" + encodeURIComponent(gid) + "&seed=" + encodeURIComponent(String(state.seed)))
      .then(function (r) {
        if (seq !== state.seq) { return; }
        if (!r.ok) { $("practice-counter").textContent = say("error", { message: r.data.message }); return; }
        var sameGraph = state.graph === gid;
        state.graph = gid;
        state.exercises = r.data.exercises;
        if (!(keepPlace && sameGraph)) {
          state.index = 0; state.right = 0; state.asked = 0; state.counted = {};
          clearVerdict();
        }
        state.index = Math.min(state.index, Math.max(0, state.exercises.length - 1));
        showQuestion();
        panel.dataset.ready = "true";
        panel.dataset.graph = gid;
      });
  }
  function showQuestion() {
    var q = state.exercises[state.index];
    state.done = false;
    panel.dataset.done = "false";
    $("practice-next").textContent = say("next");
    $("practice-answer").value = "";
    $("practice-answer").removeAttribute("aria-invalid");
    if (!q) {
      $("practice-counter").textContent = say("none");
      $("practice-prompt").textContent = "";
      panel.dataset.question = "";
      mark();
      return;
    }
    $("practice-counter").textContent = say("counter", { number: state.index + 1, total: state.exercises.length,
                                                          kind: say("kind." + q.kind) });
    $("practice-prompt").textContent = q.prompt;
    panel.dataset.question = q.id;
    panel.dataset.kind = q.kind;
    showScore();
    mark();
    reveal(q.node);
  }
  function reveal(id) {  /* the graph's own box (only it) scrolled so that the node asked about is in its middle */
    var asked = svg() && svg().querySelector("#n-" + id);
    if (asked && state.active) { window.autodiffLab.reveal(asked, true); }
  }
  function showScore() {
    var s = $("practice-score");
    s.textContent = say("score", { right: state.right, asked: state.asked });
    s.dataset.right = String(state.right);
    s.dataset.asked = String(state.asked);
  }
  function clearVerdict() {
    var v = $("practice-verdict");
    v.textContent = "";
    ["status", "mistakes", "correct", "question"].forEach(function (k) { delete v.dataset[k]; });
  }
  function mistakeList(g) {
    return el("ul", { "class": "mistakes" }, g.mistakes.map(function (id, k) {
      return el("li", { "data-mistake": id }, [say("mistake_item", { description: g.mistake_descriptions[k], id: id })]);
    }));
  }
  function check() {
    var q = state.exercises[state.index];
    var answer = $("practice-answer").value;
    if (!q) { return Promise.resolve(); }
    var v = $("practice-verdict");
    if (!answer.trim()) {
      clearVerdict();
      v.appendChild(el("p", { "class": "wrong" }, [say("empty")]));
      return Promise.resolve();
    }
    var seq = ++state.seq;
    return api("POST", "/api/practice/grade", { graph: state.graph, exercise: q.id, answer: answer }).then(function (r) {
      if (seq !== state.seq) { return; }
      clearVerdict();
      if (!r.ok) { v.appendChild(el("p", { "class": "wrong" }, [say("error", { message: r.data.message })])); return; }
      var g = r.data;
      var head;
      if (g.status === "correct") { head = el("p", { "class": "ok" }, [say("right")]); }
      else if (g.status === "imprecise") { head = el("p", { "class": "wrong" }, [say("imprecise")]); }
      else if (g.status === "mistake") {
        head = el("div", {}, [el("p", { "class": "wrong mistake" }, [g.mistakes.length === 1 ? say("mistake") :
          say("mistakes", { count: g.mistakes.length })]), mistakeList(g)]);
      } else if (g.status === "unreadable") { head = el("p", { "class": "wrong" }, [say("unreadable")]); }
      else { head = el("p", { "class": "wrong" }, [say("wrong")]); }
      v.appendChild(head);
      v.appendChild(el("div", { "class": "text" }, [g.text]));
      $("practice-answer").setAttribute("aria-invalid", g.status === "unreadable" ? "true" : "false");
      if (g.status !== "unreadable") {
        if (!state.counted[q.id]) {
          state.counted[q.id] = true;
          state.asked += 1;
          if (g.correct) { state.right += 1; }
          showScore();
        } else {
          v.appendChild(el("p", { "class": "hint" }, [say("already")]));
        }
      }
      v.dataset.status = g.status;
      v.dataset.mistakes = g.mistakes.join(",");
      v.dataset.correct = String(g.correct);
      v.dataset.question = q.id;
    });
  }
  function next() {
    if (!state.exercises.length) { return; }
    if (state.done) {  /* the set again from its first question, with a new score */
      state.index = 0; state.right = 0; state.asked = 0; state.counted = {};
    } else if (state.index === state.exercises.length - 1) {
      summary();
      return;
    } else {
      state.index += 1;
    }
    clearVerdict();
    showQuestion();
    $("practice-answer").focus();
  }
  function summary() {  /* the end of the set: the score, never a silent wrap to question 1 */
    state.done = true;
    panel.dataset.done = "true";
    clearVerdict();
    $("practice-counter").textContent = "";
    $("practice-prompt").textContent = say("summary", { right: state.right, total: state.exercises.length, asked: state.asked });
    $("practice-next").textContent = say("again");
    panel.dataset.question = "";
    unmark();
    $("practice-next").focus();
  }
  function newSet() {
    var text = $("practice-seed").value.trim();
    if (!/^\d{1,10}$/.test(text)) {
      $("practice-seed").setAttribute("aria-invalid", "true");
      $("practice-counter").textContent = say("bad_seed", { seed: JSON.stringify(text) });
      return Promise.resolve();
    }
    $("practice-seed").removeAttribute("aria-invalid");
    state.seed = Number(text);
    return load(false);
  }

  /* --- the tabs (WAI-ARIA tabs: arrow keys move between them, the chosen one is in the Tab order) */
  var tabs = [$("tab-derivation"), $("tab-practice")];
  function choose(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) { tab.focus(); }
    state.active = tab.id === "tab-practice";
    if (window.autodiffLab.keep) { window.autodiffLab.keep(); }
    if (state.active && state.graph !== lab.dataset.graph) { load(false); } else { mark(); }
  }
  tabs.forEach(function (t, k) {
    t.addEventListener("click", function () { choose(t, false); });
    t.addEventListener("keydown", function (e) {
      var to = null;
      if (e.key === "ArrowRight") { to = tabs[(k + 1) % tabs.length]; }
      else if (e.key === "ArrowLeft") { to = tabs[(k + tabs.length - 1) % tabs.length]; }
      else if (e.key === "Home") { to = tabs[0]; }
      else if (e.key === "End") { to = tabs[tabs.length - 1]; }
      if (to) { e.preventDefault(); e.stopPropagation(); choose(to, true); }  /* not the graph's step keys */
    });
  });

  window.autodiffLab.chooseTab = function (name) { choose(name === "practice" ? tabs[1] : tabs[0], false); };
  $("practice-howto").textContent = say("howto");
  $("practice-answer").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
  $("practice-check").addEventListener("click", check);
  $("practice-next").addEventListener("click", next);
  $("practice-new").addEventListener("click", newSet);
  $("practice-seed").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); newSet(); } });
  $("practice-hide").addEventListener("change", mark);
  /* lab.js sets #lab's data-graph each time it draws a graph (a new one, or new values): follow it */
  new MutationObserver(function () {
    if (state.active) { load(true); } else { state.graph = null; }  /* loaded again when the tab opens */
  }).observe(lab, { attributes: true, attributeFilter: ["data-graph"] });
  /* the language switch: the tab's own texts, then the exercises (written by the server) again */
  new MutationObserver(function () {
    $("practice-howto").textContent = say("howto");
    if (state.active) { load(true); } else { state.graph = null; }
  }).observe(lab, { attributes: true, attributeFilter: ["data-lang"] });
})();
