// Request pages: the live due-date preview of the new-request form, the
// log form's fields for the message chosen, and uploads one file at a time
// with progress. The pages work without it.
(function () {
  "use strict";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  // --- New request: the due date before saving, as the server computes it.
  function setupPreview(form) {
    var agency = form.querySelector("[data-agency]");
    var received = form.querySelector("[data-received]");
    var out = form.querySelector("[data-preview]");
    if (!agency || !received || !out) return;
    var seq = 0;
    // Buttons that need this script are hidden in the page until it runs.
    function reveal() {
      out.querySelectorAll("[data-use-received]").forEach(function (b) { b.hidden = false; });
    }
    reveal();
    function show(nodes) {
      out.textContent = "";
      nodes.forEach(function (n) { out.appendChild(n); });
    }
    function update() {
      var opt = agency.options[agency.selectedIndex];
      var code = opt ? opt.getAttribute("data-jurisdiction") : "";
      if (!code) {
        show([el("p", "Choose an agency to see the due date.", "hint")]);
        return;
      }
      var mine = ++seq;
      // The form's own preview (its Preview due date button), which counts
      // the agency's closure days as filing does; the calculator at
      // /api/v1/deadline knows only the law.
      var body = new URLSearchParams(new FormData(form));
      body.set("preview", "1");
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (res) {
          if (!res.ok) throw new Error("preview: status " + res.status);
          return res.text();
        })
        .then(function (html) {
          if (mine !== seq) return; // a newer choice is on its way
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-preview]");
          if (!fresh) throw new Error("preview: not on the page"); // signed out, say
          show(Array.prototype.map.call(fresh.childNodes, function (n) { return document.importNode(n, true); }));
          reveal();
        })
        .catch(function () {
          if (mine === seq) show([el("p", "The due date could not be computed just now; use Preview due date.", "hint")]);
        });
    }
    // The received date, and what the law may derive it from (Michigan: an
    // e-mailed request counts as received the next business day).
    var sent = form.elements["sent_on"], method = form.elements["delivery_method"];
    agency.addEventListener("change", update);
    [received, sent].forEach(function (input) {
      if (!input) return;
      input.addEventListener("change", update);
      input.addEventListener("input", function () { if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) update(); });
    });
    if (method) method.addEventListener("change", update);
    // The received date the law fixes, one click away (the button is in
    // the preview, which each update replaces; without script it stays hidden).
    out.addEventListener("click", function (e) {
      var use = e.target.closest("[data-use-received]");
      if (!use) return;
      received.value = use.getAttribute("data-use-received");
      update();
      received.focus();
    });
  }

  // --- Request page: upload each chosen file with its own progress bar.
  function setupUpload(form) {
    var input = form.querySelector('input[type="file"]');
    var list = form.querySelector("[data-upload-list]");
    var comm = form.querySelector('select[name="communication_id"]');
    var button = form.querySelector('button[type="submit"]');
    if (!input || !list || !window.FormData || !window.XMLHttpRequest) return;
    var noted = false; // a file of this round was on the request already

    function send(file, row) {
      return new Promise(function (resolve) {
        var fd = new FormData();
        if (comm && comm.value) fd.append("communication_id", comm.value);
        fd.append("file", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action.replace(/#.*$/, ""));
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { row.bar.max = e.total; row.bar.value = e.loaded; }
        });
        xhr.addEventListener("load", function () {
          var body = {};
          try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
          if (xhr.status >= 200 && xhr.status < 300) {
            row.bar.value = row.bar.max = 1;
            row.state.textContent = "uploaded";
            // The same file the request has already: say so, and stay on
            // the page for it to be read.
            var doc = (body.documents || [])[0];
            if (doc && doc.note) {
              row.state.textContent = "uploaded: " + doc.note;
              noted = true;
            }
            resolve(true);
          } else {
            row.state.textContent = "failed: " + (body.error || "the server answered " + xhr.status);
            row.li.className = "failed";
            resolve(false);
          }
        });
        xhr.addEventListener("error", function () {
          row.state.textContent = "failed: the connection dropped";
          row.li.className = "failed";
          resolve(false);
        });
        xhr.send(fd);
      });
    }

    form.addEventListener("submit", function (e) {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return; // let the server say a file is needed
      e.preventDefault();
      button.disabled = true;
      list.textContent = "";
      var rows = files.map(function (f) {
        var li = el("li"), name = el("span", f.name), bar = el("progress"), state = el("span", "waiting", "hint");
        bar.max = f.size || 1; bar.value = 0;
        bar.setAttribute("aria-label", "Upload of " + f.name);
        li.appendChild(name); li.appendChild(bar); li.appendChild(state);
        list.appendChild(li);
        return { li: li, bar: bar, state: state };
      });
      var ok = 0, i = 0;
      noted = false;
      function next() {
        if (i >= files.length) {
          button.disabled = false;
          if (ok === files.length && !noted) {
            window.location.assign(window.location.pathname + "?uploaded=" + ok);
          } else if (ok > 0) {
            var li = el("li"), a = el("a", "Reload the page to see the " + ok + " uploaded file(s)");
            a.href = window.location.pathname;
            li.appendChild(a);
            list.appendChild(li);
          }
          return;
        }
        var row = rows[i];
        row.state.textContent = "uploading";
        send(files[i++], row).then(function (good) { if (good) ok++; next(); });
      }
      next();
    });
  }

  // --- Log a communication: only the fields that apply to the message
  // chosen (a fee for a fee estimate, the tracking number for the agency's
  // message...). A field that holds a value or an error stays in view.
  function setupApplies(form) {
    var groups = form.querySelectorAll("[data-applies-direction]");
    function update() {
      var dir = form.querySelector('input[name="direction"]:checked');
      var kind = form.elements["kind"] ? form.elements["kind"].value : "";
      groups.forEach(function (g) {
        var kinds = (g.getAttribute("data-applies-kinds") || "").split(" ").filter(Boolean);
        var applies = dir && dir.value === g.getAttribute("data-applies-direction") &&
          (kinds.length === 0 || kinds.indexOf(kind) >= 0);
        var kept = Array.prototype.some.call(g.querySelectorAll("input, select, textarea"), function (f) {
          return f.getAttribute("aria-invalid") === "true" || (f.tagName !== "SELECT" && f.value !== "") ||
            (f.tagName === "SELECT" && f.selectedIndex > 0);
        });
        g.hidden = !applies && !kept;
      });
    }
    form.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("form").forEach(function (f) {
    if (f.querySelector("[data-applies-direction]")) setupApplies(f);
  });
  document.querySelectorAll("[data-new-request]").forEach(setupPreview);
  document.querySelectorAll("form[data-upload]").forEach(setupUpload);
})();
