// Assay explorer: live updates. Each new block arrives as a Server-Sent
// Event from this node's explorer; the page updates its height and, on the
// status page, adds the block to the recent blocks. Text only: nothing
// received is parsed as HTML.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var height = document.getElementById("live-height");
  var state = document.getElementById("live-state");
  var blocks = document.getElementById("blocks");
  var statusHeight = document.getElementById("status-height");
  var statusTime = document.getElementById("status-time");
  var keep = 15;
  function cell(row, text, mono, title) {
    var td = document.createElement("td");
    var el = td;
    if (mono) { el = document.createElement("code"); td.appendChild(el); }
    el.textContent = text;
    if (title) el.title = title;
    row.appendChild(td);
  }
  function short(h) { return h.length <= 12 ? h : h.slice(0, 6) + "\u2026" + h.slice(-4); }
  var es = new EventSource("/events");
  es.addEventListener("open", function () { if (state) state.textContent = "(live)"; });
  es.addEventListener("error", function () { if (state) state.textContent = "(reconnecting)"; });
  es.addEventListener("block", function (ev) {
    var b;
    try { b = JSON.parse(ev.data); } catch (e) { return; }
    if (typeof b.height !== "number") return;
    if (height && b.height > Number(height.dataset.height || 0)) {
      height.textContent = String(b.height);
      height.dataset.height = String(b.height);
    }
    if (statusHeight && b.height > Number(statusHeight.textContent || 0)) {
      statusHeight.textContent = String(b.height);
      if (statusTime) statusTime.textContent = b.time.slice(11, 23);
    }
    if (!blocks || blocks.querySelector('tr[data-height="' + b.height + '"]')) return;
    var row = document.createElement("tr");
    row.dataset.height = String(b.height);
    row.className = "fresh";
    cell(row, String(b.height)); cell(row, b.time); cell(row, String(b.txs));
    cell(row, String(b.opened)); cell(row, String(b.resolved)); cell(row, String(b.penalties));
    cell(row, short(b.hash), true, b.hash);
    blocks.insertBefore(row, blocks.firstChild);
    while (blocks.rows.length > keep) blocks.deleteRow(blocks.rows.length - 1);
  });
})();
