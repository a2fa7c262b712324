// Query page with YASGUI (the npm package @zazuko/yasgui, served from node_modules by the server).
// Offline by configuration: one endpoint (/sparql, no catalogue), no LOV class/property lookups
// (only the bundled prefix list and the query's own variables autocomplete), no share links to
// remote shorteners, nothing persisted in localStorage (each visit starts from the shipped queries).
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const prefixes = JSON.parse(document.getElementById("prefix-data").textContent);
  const select = document.getElementById("examples");
  const params = document.getElementById("params");
  const viewer = document.getElementById("open-viewer");
  const resourceBase = prefixes.cqr;

  // The server predeclares the project's prefixes; the editor shows them too, so its syntax
  // check knows them and a copied query runs on any endpoint.
  function withPrologue(text) {
    const used = Object.keys(prefixes).filter(function (p) {
      return new RegExp("(^|[^\\w-])" + p + ":").test(text);
    });
    const lines = text.split("\n");
    let head = 0;  // after the catalogue's "#+ summary:" header, before the query
    while (head < lines.length && lines[head].indexOf("#") === 0) { head += 1; }
    const prologue = used.map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; });
    return lines.slice(0, head).concat(prologue, lines.slice(head)).join("\n");
  }
  function paramNote(q) {
    if (!q || !q.params.length) { return ""; }
    // same parameters as `cqkg query NAME --bind NAME=VALUE`: here, edit the VALUES row
    return q.name + " parameters (edit the VALUES row): " + q.params.map(function (p) {
      return "?" + p.name + " = " + p.description + " (default " + p.default + ")";
    }).join("; ");
  }

  const endpoint = new URL("/sparql", window.location.href).href;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: {
      autocompleters: ["prefixes", "variables"],
      createShareableLink: null,
      value: withPrologue(examples.length ? examples[0].text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10"),
    },
    yasr: { prefixes: prefixes, pluginOrder: ["table", "response"], defaultPlugin: "table" },
  });

  function current() { return yasgui.getTab(); }
  function exampleOf(tab) {
    return examples.find(function (q) { return tab && tab.getName() === q.name; });
  }
  function showParams() { params.textContent = paramNote(exampleOf(current())); }

  // the first tab holds the first shipped query, named after it
  const first = current();
  if (first && examples.length) { first.setName(examples[0].name); }
  showParams();

  select.addEventListener("change", function () {
    const q = examples.find(function (e) { return e.name === select.value; });
    select.value = "";
    if (!q) { return; }
    const tab = yasgui.addTab(true, {
      name: q.name,
      yasqe: { value: withPrologue(q.text) },
      requestConfig: { endpoint: endpoint },
    });
    tab.show();
    showParams();
  });
  yasgui.on("tabSelect", function () { window.setTimeout(showParams, 0); });

  // CONSTRUCT / DESCRIBE: the viewer route takes one node (/view?focus=IRI&hops=N), not a
  // query, so the link opens the viewer on the result's most-mentioned project resource.
  yasgui.on("queryResponse", function (instance, tab) {
    viewer.hidden = true;
    // YASR takes the response after this event: read it once it has
    window.setTimeout(function () { offerViewer(tab); }, 0);
  });
  function offerViewer(tab) {
    const yasqe = tab.getYasqe();
    const form = yasqe && yasqe.getQueryType ? yasqe.getQueryType() : "";
    if (form !== "CONSTRUCT" && form !== "DESCRIBE") { return; }
    const yasr = tab.getYasr();
    const text = yasr && yasr.results ? yasr.results.getOriginalResponseAsString() : "";
    // the resource the result mentions most (a neighbourhood's centre is in every triple)
    const counts = {};
    const full = new RegExp("<(" + resourceBase.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + "[^>\\s]+)>", "g");
    let m;
    while ((m = full.exec(text)) !== null) {
      // observations and spans are not nodes of the viewer's network (it draws entities)
      if (/\/id\/(obs|span)\//.test(m[1])) { continue; }
      counts[m[1]] = (counts[m[1]] || 0) + 1;
    }
    let iri = "";
    Object.keys(counts).sort().forEach(function (k) {
      if (!iri || counts[k] > counts[iri]) { iri = k; }
    });
    if (!iri) { return; }
    viewer.href = "/view?" + new URLSearchParams({ focus: iri, hops: "1" }).toString();
    viewer.hidden = false;
  }
  window.__cqkgYasgui = yasgui;
})();
