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

  // CONSTRUCT / DESCRIBE: the link under the list opens the result in the network viewer,
  // /view?query=<the query the tab ran>; the server runs it again through the same safety
  // check and workers as /sparql and draws the triples it gives (docs/decisions/0011).
  // A link outside YASR's frame rather than a YASR plugin: the viewer is a page of its own
  // (vis-network under its own CSP), and a plain link can be opened in a new tab or copied.
  const MAX_LINK = 60 * 1024;  // the server refuses request URLs over 64 KiB (413)
  yasgui.on("query", function () { viewer.hidden = true; });
  yasgui.on("tabSelect", function () { viewer.hidden = true; });
  yasgui.on("queryResponse", function (instance, tab) {
    // YASR takes the response after this event: decide once it has
    window.setTimeout(function () { offerViewer(tab); }, 0);
  });
  function offerViewer(tab) {
    viewer.hidden = true;
    const yasqe = tab.getYasqe();
    const form = yasqe && yasqe.getQueryType ? yasqe.getQueryType() : "";
    if (form !== "CONSTRUCT" && form !== "DESCRIBE") { return; }
    const yasr = tab.getYasr();
    if (!yasr || !yasr.results || yasr.results.getError()) { return; }
    const href = "/view?" + new URLSearchParams({ query: yasqe.getValue() }).toString();
    if (href.length > MAX_LINK) { return; }
    viewer.href = href;
    viewer.hidden = false;
  }
  window.__cqkgYasgui = yasgui;
})();
