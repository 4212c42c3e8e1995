/* The measurement form: steps, a draft saved on the server as the caseworker answers, and the
   error summary's links. Without this script the form still works: every step button saves the
   draft and opens the other step, and the error page shows every question. */
(function () {
  "use strict";
  var form = document.getElementById("measurement-form");
  if (!form) return;
  var status = document.getElementById("draft-status");
  var ended = document.getElementById("session-ended");
  var keepKey = "bip-draft:" + location.pathname;
  var timer = null, busy = false, again = false, lost = false;

  function sections() { return form.querySelectorAll("section.step"); }
  function step() {
    var shown = [].filter.call(sections(), function (s) { return !s.hidden; });
    return shown.length === 1 ? shown[0].dataset.step : "1";
  }
  function show(n, focus) {
    [].forEach.call(sections(), function (s) { s.hidden = s.dataset.step !== String(n); });
    [].forEach.call(document.querySelectorAll("#steps li"), function (li) {
      if (li.dataset.step === String(n)) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
    });
    var h = document.getElementById("h-step-" + n);
    if (focus && h) { h.focus(); h.scrollIntoView(); }
  }
  function pairs() {
    var out = [];
    new FormData(form).forEach(function (v, k) {
      if (k !== "csrfmiddlewaretoken") out.push([k, v]);
    });
    return out;
  }
  function keep() { try { sessionStorage.setItem(keepKey, JSON.stringify(pairs())); } catch (e) { /* full */ } }
  function restoreKept() {
    var raw = null;
    try { raw = sessionStorage.getItem(keepKey); } catch (e) { return false; }
    if (!raw) return false;
    var got = {};
    JSON.parse(raw).forEach(function (p) { (got[p[0]] = got[p[0]] || []).push(p[1]); });
    [].forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      var vals = got[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") el.checked = vals.indexOf(el.value) >= 0;
      else if (el.type !== "hidden" && vals.length) el.value = vals[0];
    });
    return true;
  }
  function say(text) { if (status) status.textContent = text; }
  function failed(sessionOver) {
    keep();
    lost = sessionOver;
    if (sessionOver && ended) { ended.hidden = false; ended.scrollIntoView(); }
    else say(form.dataset.failed);
  }
  // Save the draft now; then(ok) afterwards. Saves never overlap: a change during one follows it.
  function save(then) {
    clearTimeout(timer);
    if (busy) { again = true; return; }
    busy = true; again = false;
    var body = new FormData(form);
    body.set("draft", step());
    fetch(location.pathname, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) {
        if (r.status !== 204) throw new Error(r.redirected ? "session" : "status " + r.status);
        try { sessionStorage.removeItem(keepKey); } catch (e) { /* none */ }
        var t = new Date();
        say(form.dataset.saved + " " + ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2));
        return true;
      })
      .catch(function (e) { failed(e.message === "session"); return false; })
      .then(function (ok) {
        busy = false;
        if (again && !lost) save();
        if (then) then(ok);
      });
  }
  function soon(ms) { if (lost) { keep(); return; } clearTimeout(timer); timer = setTimeout(save, ms); }

  form.addEventListener("change", function () { soon(400); });
  form.addEventListener("input", function (e) { if (e.target.type === "text") soon(1500); });
  form.addEventListener("submit", function (e) {
    var by = e.submitter;
    if (by && by.name === "goto") {  // a step: no page load, the draft saved on the way
      e.preventDefault();
      show(by.value, true);
      save();
      return;
    }
    if (form.dataset.checked === "1") return;
    e.preventDefault();  // the final save: first make sure the session still holds the answers
    save(function (ok) {
      if (!ok) return;
      form.dataset.checked = "1";
      form.requestSubmit(by || undefined);
    });
  });
  window.addEventListener("pagehide", function () {
    if (timer === null || lost || !navigator.sendBeacon) return;
    var body = new FormData(form);
    body.set("draft", step());
    navigator.sendBeacon(location.pathname, body);
  });
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (e) {
      var a = e.target.closest("a[href^='#']");
      if (!a) return;
      var target = document.getElementById(a.getAttribute("href").slice(1));
      if (!target) return;
      e.preventDefault();
      var sec = target.closest("section.step");
      if (sec && sec.hidden) show(sec.dataset.step, false);
      target.scrollIntoView();
      var input = target.querySelector("input") || target;
      input.focus();
    });
    summary.focus();
  }
  if (restoreKept()) save();  // answers given after the session ended, kept in this window
})();
