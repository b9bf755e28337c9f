// Sunshine staff pages: small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Copy buttons: <button data-copy="#id">.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b) return;
    var el = document.querySelector(b.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) return;
    navigator.clipboard.writeText(el.value || el.textContent).then(function () { b.textContent = "Copied"; });
  });

  // "Choose all" buttons: <button hidden data-check-all="#id">, shown only
  // where this script runs. A click ticks every box shown in #id (a filter
  // box may hide some), or, once all are ticked, unticks them: the button
  // then says "Clear all".
  function shownBoxes(b) {
    return Array.prototype.filter.call(document.querySelectorAll(b.getAttribute("data-check-all") + ' input[type="checkbox"]'),
      function (x) { return !x.closest("[hidden]"); });
  }
  function syncCheckAll() {
    document.querySelectorAll("button[data-check-all]").forEach(function (b) {
      var boxes = shownBoxes(b);
      var all = boxes.length > 0 && boxes.every(function (x) { return x.checked; });
      b.firstChild.nodeValue = all ? "Clear all" : "Choose all";
    });
  }
  document.querySelectorAll("button[data-check-all]").forEach(function (b) { b.hidden = false; });
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-check-all]");
    if (!b) return;
    var boxes = shownBoxes(b);
    var all = boxes.every(function (x) { return x.checked; });
    boxes.forEach(function (x) { x.checked = !all; });
    syncCheckAll();
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches('input[type="checkbox"]')) syncCheckAll();
  });

  // Filter boxes for long lists of checkboxes: <input hidden
  // data-filter-checks="#id">, shown only where this script runs. Typing
  // hides the boxes in #id whose label lacks the words (ticked ones stay
  // shown), and the groups (fieldsets) left empty.
  document.querySelectorAll("input[data-filter-checks]").forEach(function (f) {
    f.hidden = false;
    var label = document.querySelector('label[for="' + f.id + '"]');
    if (label) label.hidden = false;
    var list = document.querySelector(f.getAttribute("data-filter-checks"));
    if (!list) return;
    // Enter in the box filters; it does not send the form around it.
    ["keydown", "keypress"].forEach(function (type) {
      f.addEventListener(type, function (e) { if (e.key === "Enter") e.preventDefault(); });
    });
    f.addEventListener("input", function () {
      var words = f.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.querySelectorAll(".check").forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var box = row.querySelector("input");
        row.hidden = !(box && box.checked) && !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      list.querySelectorAll("fieldset").forEach(function (fs) {
        fs.hidden = !fs.querySelector(".check:not([hidden])");
      });
      var shown = list.querySelectorAll(".check:not([hidden])").length;
      var count = document.querySelector('[data-filter-count="' + f.id + '"]');
      if (count) count.textContent = words.length ? shown + (shown === 1 ? " agency shown" : " agencies shown") : "";
      syncCheckAll();
    });
  });

  // The request list's "Change the selected requests": it shows only the
  // fields the chosen change takes (<div data-bulk-for="assign">), and
  // says how many requests are ticked.
  var bulk = document.querySelector("form[data-bulk]");
  if (bulk) {
    var action = bulk.querySelector("[data-bulk-action]");
    var showFields = function () {
      bulk.querySelectorAll("[data-bulk-for]").forEach(function (d) {
        d.hidden = d.getAttribute("data-bulk-for").split(" ").indexOf(action.value) < 0;
      });
    };
    var countTicked = function () {
      // (not bulk.id: the form's own fields named "id" shadow it)
      var n = document.querySelectorAll('input[type="checkbox"][form="' + bulk.getAttribute("id") + '"]:checked').length;
      bulk.querySelector("[data-bulk-count]").textContent = n === 0 ? "" : n === 1 ? "1 request selected." : n + " requests selected.";
    };
    action.addEventListener("change", showFields);
    document.addEventListener("change", countTicked);
    document.addEventListener("click", function (e) { if (e.target.closest("button[data-check-all]")) countTicked(); });
    showFields();
    countTicked();
  }

  // Download links of a textarea's text: <a href="/draft.txt" download
  // data-download="#id">. The link's address serves the text as drafted;
  // with this, the download is the text as edited on the page.
  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-download]");
    if (!a || !window.Blob || !window.URL || !URL.createObjectURL) return;
    var el = document.querySelector(a.getAttribute("data-download"));
    if (!el) return;
    e.preventDefault();
    var t = document.createElement("a");
    t.href = URL.createObjectURL(new Blob([el.value], { type: "text/plain;charset=utf-8" }));
    t.download = a.getAttribute("download") || "download.txt";
    document.body.appendChild(t);
    t.click();
    t.remove();
    setTimeout(function () { URL.revokeObjectURL(t.href); }, 10000);
  });

  // "Open in your email program": the mailto: link of the letter as edited
  // on the page, not as drafted (RFC 6068: %20 for spaces, CRLF lines).
  document.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-mailto]");
    if (!a) return;
    var field = function (name) {
      var el = document.querySelector(a.getAttribute("data-mailto-" + name));
      return el ? el.value : "";
    };
    var q = [];
    if (a.getAttribute("data-mailto-cc")) q.push("cc=" + encodeURIComponent(a.getAttribute("data-mailto-cc")));
    q.push("subject=" + encodeURIComponent(field("subject")));
    q.push("body=" + encodeURIComponent(field("body").replace(/\r?\n/g, "\r\n")));
    a.href = "mailto:" + encodeURIComponent(a.getAttribute("data-mailto-to")) + "?" + q.join("&");
  });

  // A form sent twice (a double click, Enter pressed again while the page
  // loads) would file the request or log the letter twice: once a POST
  // form is on its way, further submits of it are ignored. A page the
  // browser brings back from its cache (the Back button) can send again.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (e.defaultPrevented || (f.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (f.hasAttribute("data-sending")) {
      e.preventDefault();
      return;
    }
    f.setAttribute("data-sending", "");
  });
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    document.querySelectorAll("form[data-sending]").forEach(function (f) { f.removeAttribute("data-sending"); });
  });

  // A form that came back refused opens with a summary of its errors:
  // take the focus there, so a screen reader reads it first.
  // Again once the page has loaded: a form posted to "#section" lands
  // there, and the jump to it would leave the focus nowhere.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    window.addEventListener("load", function () {
      setTimeout(function () { summary.focus(); }, 0);
    });
  }

  // A form's note ("Closure day added ...") is shown at the top of the
  // page, but the form's redirect lands on its section (#closures), often
  // below the fold: move the note under that section's heading.
  // A request page's action (#status, a closed <details>) gets its note
  // just above it, where the person clicked; a timeline entry
  // (#comm-..., after its edit or a document's removal) under its first line.
  var note = document.querySelector("main p.note[role=status]");
  var section = location.hash && document.getElementById(location.hash.slice(1));
  if (note && section && !section.contains(note)) {
    if (section.tagName === "DETAILS") {
      section.insertAdjacentElement("beforebegin", note);
    } else if (section.tagName === "LI") {
      var line = section.querySelector(".tl-head");
      if (line) line.insertAdjacentElement("afterend", note);
      else section.insertBefore(note, section.firstChild);
    } else if (section.tagName === "SECTION") {
      var heading = section.querySelector("h2");
      if (heading) heading.insertAdjacentElement("afterend", note);
      else section.insertBefore(note, section.firstChild);
    }
  }

  // A link to a field of a closed section ("add it" → #edit-tracking-number)
  // opens the section and puts the cursor in the field.
  function openTarget() {
    var el = location.hash && document.getElementById(location.hash.slice(1));
    var details = el && el.parentElement && el.parentElement.closest("details");
    if (!details || details.open) return;
    details.open = true;
    el.scrollIntoView({ block: "center" });
    el.focus();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
