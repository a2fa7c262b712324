// Query page: fetch against /sparql and render with textContent only (never as markup),
// so labels such as "<img onerror=...>" stay text.
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const select = document.getElementById("examples");
  const area = document.getElementById("query");
  const status = document.getElementById("status");
  const out = document.getElementById("results");
  const params = document.getElementById("params");
  const viewer = document.getElementById("open-viewer");
  const MAX_LINK = 60 * 1024;  // the server refuses request URLs over 64 KiB (413)
  select.addEventListener("change", function () {
    const found = examples.find(function (q) { return q.name === select.value; });
    params.textContent = "";
    if (!found) { return; }
    area.value = found.text;
    if (found.params.length) {
      // same parameters as `cqkg query NAME --bind NAME=VALUE`: here, edit the VALUES row
      params.textContent = "Parameters (edit the VALUES row): " + found.params.map(function (p) {
        return "?" + p.name + " = " + p.description + " (default " + p.default + ")";
      }).join("; ");
    }
  });
  function cell(term) {
    if (!term) { return ""; }
    if (term.type === "literal" && term["xml:lang"]) { return term.value + " @" + term["xml:lang"]; }
    return term.value;
  }
  function render(data) {
    out.replaceChildren();
    if (typeof data.boolean === "boolean") {
      out.textContent = String(data.boolean);
      return;
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    data.head.vars.forEach(function (v) {
      const th = document.createElement("th"); th.textContent = v; head.appendChild(th);
    });
    const body = table.createTBody();
    data.results.bindings.forEach(function (b) {
      const row = body.insertRow();
      data.head.vars.forEach(function (v) {
        const td = row.insertCell();
        const t = b[v];
        if (t && t.type === "uri" && t.value.indexOf("https://w3id.org/cqkg/id/") === 0) {
          const a = document.createElement("a");
          a.href = "/id/" + t.value.substring("https://w3id.org/cqkg/id/".length);
          a.textContent = t.value; td.appendChild(a);
        } else { td.textContent = cell(t); }
      });
    });
    out.appendChild(table);
    status.textContent = data.results.bindings.length + " rows";
  }
  async function run() {
    status.textContent = "running…";
    out.replaceChildren();
    viewer.hidden = true;
    const text = area.value;
    const body = new URLSearchParams({ query: text });
    try {
      const resp = await fetch("/sparql", {
        method: "POST",
        headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
        body: body,
      });
      const type = resp.headers.get("content-type") || "";
      if (!resp.ok) {
        const err = document.createElement("div"); err.className = "error";
        const text = await resp.text();
        try { err.textContent = resp.status + ": " + JSON.parse(text).message; }
        catch (e) { err.textContent = resp.status + ": " + text; }
        out.appendChild(err); status.textContent = "";
        return;
      }
      if (type.indexOf("json") >= 0) { render(await resp.json()); }
      else {
        const pre = document.createElement("pre"); pre.textContent = await resp.text();
        out.appendChild(pre); status.textContent = "graph result";
        // the result as a network: /view?query= runs it again through the same checks
        const href = "/view?" + new URLSearchParams({ query: text }).toString();
        if (href.length <= MAX_LINK) { viewer.href = href; viewer.hidden = false; }
      }
    } catch (e) { status.textContent = "request failed: " + e; }
  }
  document.getElementById("run").addEventListener("click", run);
  area.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { run(); }
  });
})();
