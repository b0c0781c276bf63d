/**
 * The page's one script, run as written (it is hashed into the Content-Security-Policy, so it is
 * plain JavaScript in a string rather than compiled code). It wires the header buttons to sort the
 * leaderboard and the ▸ buttons to show a row's per-platform figures; the page reads fine without it.
 */
export const SCRIPT = `(function () {
  "use strict";
  var table = document.getElementById("leaderboard");
  if (!table) return;
  var foot = table.tFoot;
  function value(entry, key, numeric) {
    var v = entry.rows[0].getAttribute("data-" + key);
    if (!numeric) return v || "";
    return v === null ? -Infinity : Number(v);
  }
  table.querySelectorAll("th button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentElement;
      var key = button.getAttribute("data-sort");
      var numeric = button.getAttribute("data-numeric") === "true";
      var current = th.getAttribute("aria-sort");
      // Figures sort largest first, text and rank A to Z first; a second click reverses.
      var first = numeric && key !== "rank" ? "descending" : "ascending";
      var dir = current === first ? (first === "ascending" ? "descending" : "ascending") : first;
      table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      var entries = Array.prototype.slice.call(table.tBodies);
      entries.sort(function (a, b) {
        var x = value(a, key, numeric), y = value(b, key, numeric);
        var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : x.localeCompare(y);
        if (c === 0) c = Number(a.rows[0].getAttribute("data-rank")) - Number(b.rows[0].getAttribute("data-rank"));
        else c *= sign;
        return c;
      });
      entries.forEach(function (e) { table.insertBefore(e, foot); });
    });
  });
  function show(entry, open) {
    var toggle = entry.querySelector(".toggle");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", String(open));
    for (var i = 1; i < entry.rows.length; i++) entry.rows[i].hidden = !open;
  }
  table.querySelectorAll(".toggle").forEach(function (toggle) {
    toggle.addEventListener("click", function () {
      show(toggle.closest("tbody"), toggle.getAttribute("aria-expanded") !== "true");
    });
  });
  var all = document.getElementById("expand-all");
  if (all) {
    all.hidden = !table.querySelector(".toggle");
    all.addEventListener("click", function () {
      var open = all.getAttribute("aria-expanded") !== "true";
      all.setAttribute("aria-expanded", String(open));
      all.textContent = open ? "Hide per-platform rows" : "Show per-platform rows";
      Array.prototype.forEach.call(table.tBodies, function (e) { show(e, open); });
    });
  }
})();
`;
