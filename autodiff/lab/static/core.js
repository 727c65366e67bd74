/* autodiff lab: what every page script shares (window.autodiffLab): the catalogue (tr), the
   one function that asks the server (api: token, language, a reply that is not JSON, a graph
   the server no longer keeps, a server that stopped), DOM and MathML builders, number formats,
   and a field's own error line. Loaded first; builds every text with textContent, never innerHTML. */
(function () {
  "use strict";
  var L = window.autodiffLab = window.autodiffLab || {};
  var params = new URLSearchParams(location.search);
  L.params = params;
  L.token = params.get("token") || "";
  L.lang = params.get("lang") || "";  /* "" until /api/messages says: the server's default language */
  L.MESSAGES = {};
  L.$ = function (id) { return document.getElementById(id); };
  L.MATH = "http://www.w3.org/1998/Math/MathML";
  L.SVGNS = "http://www.w3.org/2000/svg";

  /* The page's texts in the learner's language: tr(its English template, its placeholders). */
  function tr(text, values) {
    var t = Object.prototype.hasOwnProperty.call(L.MESSAGES, text) ? L.MESSAGES[text] : text;
    return t.replace(/\{(\w+)\}/g, function (all, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }
  L.tr = tr;
  window.autodiffTr = tr;  /* practice.js writes its texts with the same catalogue */

  /* --- the server ---------------------------------------------------------------------- */
  L.rebuild = null;  /* work.js: (old graph id) -> Promise of the id of the same graph built again, or null */
  L.graphId = function () { return null; };  /* lab.js: the id of the graph shown */
  function send(method, path, body) {
    var options = { method: method, headers: { "X-Lab-Token": L.token } };
    if (L.lang) {  /* every answer in the page's language */
      if (body !== undefined) { body = Object.assign({ lang: L.lang }, body); }
      else { path += (path.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(L.lang); }
    }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (r) {
      return r.json().then(function (data) {
        if (r.ok || (data && typeof data.message === "string")) { return { ok: r.ok, status: r.status, data: data }; }
        throw new Error("no message");
      }).catch(function () {
        return { ok: false, status: r.status, data: { message: tr("The lab answered with something that is not JSON (HTTP {status}).", { status: r.status }) } };
      });
    }, function () {
      offline("stopped");
      return { ok: false, status: 0, offline: true, data: { message: tr("The lab's server does not answer.") } };
    });
  }
  function api(method, path, body) {
    return send(method, path, body).then(function (r) {
      if (r.status === 401 || (r.status === 403 && r.data.reason === "token")) { offline("token"); return r; }
      if (r.status === 404 && r.data.missing === "graph" && L.rebuild) {  /* dropped from the server's store */
        var old = L.graphId();
        return L.rebuild(old).then(function (gid) {
          if (!gid || !old) { return r; }
          var again = body === undefined ? undefined : Object.assign({}, body, body.graph === old ? { graph: gid } : {});
          return send(method, path.split(encodeURIComponent(old)).join(encodeURIComponent(gid)), again);
        });
      }
      return r;
    });
  }
  L.api = api;

  /* One notice over the page when the server stopped or was restarted; the controls are disabled. */
  function offline(why) {
    var box = L.$("offline");
    if (!box || !box.hidden) { return; }
    L.$("offline-text").textContent = why === "token" && !L.token ?
      tr("This page needs the lab's key: open the URL the lab printed when it started (your graph opens there).") :
      why === "token" ?
      tr("The lab was started again, so this page's key no longer works. Open the URL the lab printed when it started: your graph, values and formula come back from this browser's storage.") :
      tr("The lab's server has stopped. Start it again (python -m autodiff.lab) and open the URL it prints: your graph, values and formula come back from this browser's storage.");
    box.hidden = false;
    document.body.classList.add("offline");
    ["lab", "top-bar", "lang-box"].forEach(function (id) { var e = L.$(id); if (e) { e.inert = true; } });
    L.$("lab").dataset.offline = why;
  }
  L.offline = offline;

  /* --- building the page --------------------------------------------------------------- */
  function el(tag, attrs, children, ns) {
    var e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  L.el = el;
  L.m = function (tag, children, attrs) { return el(tag, attrs, children, L.MATH); };
  L.fmt = function (x) {
    if (typeof x !== "number") { return String(x); }
    return Number(x.toPrecision(6)).toString().replace("-", "−");
  };
  L.full = function (x) { return typeof x === "number" ? Number(x.toPrecision(15)).toString().replace("-", "−") : String(x); };
  L.status = function (text) { L.$("status").textContent = text; };
  L.on = function (id, event, f) { L.$(id).addEventListener(event, f); };

  /* An error shown next to the field that caused it (and announced); "" clears it. */
  L.fieldError = function (field, text) {
    var box = L.$(field.id + "-error");
    if (!box) { return; }
    box.textContent = text;
    if (text) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
  };
  L.parseNumber = function (text, what) {
    var s = text.trim();
    if (!/^[-+−]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) { throw new Error(tr("{what} must be a number, got {text}", { what: what, text: JSON.stringify(text) })); }
    return Number(s.replace("−", "-"));
  };
})();
