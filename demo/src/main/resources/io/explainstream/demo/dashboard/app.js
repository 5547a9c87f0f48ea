// explainstream demo dashboard: draws the snapshot the page carries, then follows /events (server-sent events).
(function () {
  "use strict";
  var MAX_FEED = 24, MAX_POINTS = 120;
  var state = window.INITIAL_STATE;
  var pending = [], dirty = {};

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function num(v, d) { return v == null || isNaN(v) ? "-" : Number(v).toFixed(d == null ? 2 : d); }
  function int(v) { return v == null ? "-" : Number(v).toLocaleString("en-US"); }
  function pct(v) { return v == null ? "-" : (100 * v).toFixed(1) + "%"; }

  function bars(items, valueKey, max) {
    if (!items || !items.length) { return '<div class="empty">no weights</div>'; }
    var m = max || items.reduce(function (a, it) { return Math.max(a, Math.abs(it[valueKey])); }, 0) || 1;
    return '<div class="bars">' + items.map(function (it) {
      var v = it[valueKey], w = Math.min(50, 50 * Math.abs(v) / m);
      var style = v >= 0 ? "width:" + w + "%" : "width:" + w + "%;left:" + (50 - w) + "%";
      return '<div class="n" title="' + esc(it.name) + " = " + num(v, 3) + '">' + esc(it.name) + '</div>' +
        '<div class="b"><i class="' + (v >= 0 ? "pos" : "neg") + '" style="' + style + '"></i></div>';
    }).join("") + "</div>";
  }

  function renderHeader() {
    var b = state.bundle;
    $("model").innerHTML = "data set <b>" + esc(b.dataset) + "</b> &middot; model <b>" + esc(b.modelId) + "</b> " +
      esc(b.version) + " &middot; " + esc(b.task.toLowerCase()) + ", " + b.dimension + " " +
      (b.kind === "TEXT" ? "words" : "features") + " &middot; " + b.groups.length + " groups &middot; L2E " +
      esc(b.l2e || "none") + " &middot; routing: posterior &lt; " + num(b.minPosterior, 2) + " or residual &gt; " +
      num(b.maxResidual, 2) + (b.standIn ? '<span class="standin">stand-in bundle</span>' : "");
    var w = b.where || {};
    $("where").innerHTML = [["dashboard", w.dashboardUrl], ["bootstrap servers", w.bootstrapServers],
      ["schema registry", w.registryUrl], ["metrics", w.metricsUrl], ["topics", (w.topics || []).join(", ")],
      ["work folder", w.workDir]].map(function (p) {
        return "<div><span>" + p[0] + ":</span> " + esc(p[1]) + "</div>";
      }).join("");
  }

  function renderKpis() {
    var s = state.stats, exp = s.explained || 0;
    var k = [["events in", int(s.eventsIn)], ["explained", int(s.explained)],
      ["by L2E", int(s.explainedL2e) + " (" + pct(exp ? s.explainedL2e / exp : null) + ")"],
      ["dead letters", int(s.dlq)], ["consumer lag", int(s.lag)], ["fidelity RMSE", num(s.fidelity, 3)],
      ["latency p50", s.latencyMsP50 == null ? "-" : s.latencyMsP50 + " ms"],
      ["latency p99", s.latencyMsP99 == null ? "-" : s.latencyMsP99 + " ms"]];
    $("kpis").innerHTML = k.map(function (x) {
      return '<div class="kpi"><div class="v">' + x[1] + '</div><div class="l">' + x[0] + "</div></div>";
    }).join("");
    var r = s.dlqReasons || {};
    var reasons = Object.keys(r).map(function (k) { return esc(k) + " " + r[k]; }).join(" &middot; ");
    $("dlq").dataset.reasons = reasons;
  }

  var CHARTS = [["throughput", "throughput", "events/s", function (v) { return int(v); }],
    ["l2eShare", "L2E share", "10 s window", pct], ["dlq", "DLQ count", "total", int],
    ["lag", "consumer lag", "records", int], ["fidelity", "fidelity RMSE", "z-units, last 200", function (v) { return num(v, 3); }]];

  function renderCharts() {
    var series = state.series.slice(-MAX_POINTS);
    $("charts").innerHTML = CHARTS.map(function (c) {
      var vals = series.map(function (p) { return p[c[0]]; });
      var last = vals.length ? vals[vals.length - 1] : null;
      return '<div class="chart"><div class="t"><span>' + c[1] + " <small>(" + c[2] + ")</small></span><b>" +
        c[3](last) + "</b></div>" + spark(vals, c[0] === "l2eShare" ? 1 : null) + "</div>";
    }).join("");
  }

  function spark(vals, fixedMax) {
    var W = 300, H = 70, pts = [], n = vals.length;
    var max = fixedMax || vals.reduce(function (a, v) { return v == null ? a : Math.max(a, v); }, 0) || 1;
    vals.forEach(function (v, i) {
      if (v == null) { return; }
      var x = n <= 1 ? W : (i / (MAX_POINTS - 1)) * W + (MAX_POINTS - n) / (MAX_POINTS - 1) * W;
      pts.push(x.toFixed(1) + "," + (H - 4 - (H - 8) * v / max).toFixed(1));
    });
    var line = pts.length ? '<polyline fill="none" stroke="#5aa9e6" stroke-width="2" points="' + pts.join(" ") + '"/>' : "";
    var area = pts.length > 1 ? '<polygon fill="rgba(90,169,230,.15)" points="' + pts[0].split(",")[0] + "," + H + " " +
      pts.join(" ") + " " + pts[pts.length - 1].split(",")[0] + "," + H + '"/>' : "";
    return '<svg viewBox="0 0 ' + W + " " + H + '" preserveAspectRatio="none">' + area + line + "</svg>";
  }

  function renderGroups() {
    var live = {};
    (state.stats.groups || []).forEach(function (g) { live[g.id] = g; });
    $("groups").innerHTML = state.bundle.groups.map(function (g) {
      var l = live[g.id] || {};
      return '<div class="group" data-group="' + g.id + '"><div class="head"><span class="name">Group ' + g.id +
        '</span><span class="size">' + int(g.trainSize) + " training rows (" + pct(g.trainShare) + ")</span></div>" +
        '<div class="sub">region: defining features</div><div class="region">' + g.region.map(function (r) {
          return '<span class="chip ' + (r.value >= 0 ? "pos" : "neg") + '">' + (r.value >= 0 ? "+" : "&minus;") +
            " " + esc(r.name) + "</span>";
        }).join("") + "</div>" +
        '<div class="sub">explanation: top weights (z-units of f)</div>' + bars(g.explanation, "value") +
        '<div class="fid"><span>live: <b>' + int(l.count) + "</b> events (" + pct(l.share) + ")</span>" +
        (l.window ? "<span>fidelity RMSE <b>" + num(l.window.rmse, 3) + "</b> last window (" + int(l.window.count) +
          " events, coverage " + pct(l.window.coverage) + ") / " + num(g.fitRmse, 3) + " at fit</span></div></div>"
          : "<span>fidelity RMSE <b>" + num(l.fidelity, 3) + "</b> live / " + num(g.fitRmse, 3) + " at fit</span></div></div>");
    }).join("");
  }

  function highlight(text, features) {
    var c = {}, m = 0;
    features.forEach(function (f) { c[f.name] = f.contribution; m = Math.max(m, Math.abs(f.contribution)); });
    return text.split(/\s+/).map(function (tok) {
      var v = c[tok];
      if (v == null || !m) { return esc(tok); }
      var a = (0.25 + 0.65 * Math.abs(v) / m).toFixed(2);
      var bg = v >= 0 ? "rgba(63,179,127," + a + ")" : "rgba(224,96,94," + a + ")";
      return '<span class="w" style="background:' + bg + '" title="' + num(v, 3) + '">' + esc(tok) + "</span>";
    }).join(" ");
  }

  function eventCard(e, fresh) {
    var pred = e.label != null ? esc(e.label) + " (" + num(e.score, 3) + ")" : num(e.score, 3);
    var why = e.routing !== "NONE" ? '<span class="why">routed: ' + esc(e.routing.toLowerCase().replace("_", " ")) + "</span>" : "";
    return '<div class="ev' + (fresh ? " new" : "") + '"><div class="top"><span class="pred">f(x) = ' + pred + "</span>" +
      '<span><span class="tag ' + esc(e.source) + '">' + esc(e.source) + "</span>" + why + "</span></div>" +
      '<div class="meta">' + esc(e.id) + " &middot; group <b>" + e.group + "</b> p=" + num(e.posterior, 2) +
      (e.runnerUp != null ? " (runner-up " + e.runnerUp + " p=" + num(e.runnerUpPosterior, 2) + ")" : "") +
      " &middot; residual " + num(e.residual, 2) + " &middot; " + e.latencyMs + " ms</div>" +
      (e.text ? '<div class="text">' + highlight(e.text, e.features) + "</div>" : "") +
      bars(e.features.slice(0, 6), "contribution") + "</div>";
  }

  function renderFeed(freshCount) {
    var items = state.recent.slice(0, MAX_FEED);
    $("feed").innerHTML = items.length ? items.map(function (e, i) { return eventCard(e, i < (freshCount || 0)); }).join("")
      : '<div class="empty">waiting for explained events...</div>';
  }

  function renderDlq() {
    var items = state.recentDlq || [];
    var reasons = $("dlq").dataset.reasons;
    $("dlq").innerHTML = (reasons ? '<div class="reasons">' + reasons + "</div>" : "") + (items.length ?
      items.slice(0, 6).map(function (d) {
        return '<div class="d"><b>' + esc(d.reason) + "</b> " + esc(d.key) + "<div>" + esc(d.message) + "</div></div>";
      }).join("") : '<div class="empty">none yet</div>');
  }

  function renderAll() {
    renderHeader(); renderKpis(); renderCharts(); renderGroups(); renderFeed(0); renderDlq();
  }

  function flush() {
    if (dirty.feed) { renderFeed(dirty.feed); }
    if (dirty.stats) { renderKpis(); renderCharts(); renderGroups(); renderDlq(); }
    else if (dirty.dlq) { renderDlq(); }
    dirty = {};
  }
  function schedule(what, n) {
    var first = !dirty.feed && !dirty.stats && !dirty.dlq;
    dirty[what] = (dirty[what] || 0) + (n || 1);
    if (first) { setTimeout(flush, 250); }
  }

  function connect() {
    if (!window.EventSource) { return; }
    var es = new EventSource("/events");
    es.onopen = function () { $("conn").textContent = "live"; $("conn").className = "conn live"; };
    es.onerror = function () { $("conn").textContent = "reconnecting..."; $("conn").className = "conn"; };
    es.addEventListener("explained", function (m) {
      state.recent.unshift(JSON.parse(m.data));
      if (state.recent.length > MAX_FEED) { state.recent.length = MAX_FEED; }
      schedule("feed");
    });
    es.addEventListener("dlq", function (m) {
      state.recentDlq.unshift(JSON.parse(m.data));
      if (state.recentDlq.length > 10) { state.recentDlq.length = 10; }
      schedule("dlq");
    });
    es.addEventListener("stats", function (m) {
      state.stats = JSON.parse(m.data);
      if (state.stats.lastSample) {
        var s = state.series, last = s[s.length - 1];
        if (!last || last.t !== state.stats.lastSample.t) { s.push(state.stats.lastSample); }
        if (s.length > MAX_POINTS) { s.splice(0, s.length - MAX_POINTS); }
      }
      schedule("stats");
    });
  }

  function start(s) {
    state = s;
    renderAll();
    // follow the live stream once the page has loaded (it draws from the inline snapshot first)
    if (document.readyState === "complete") { setTimeout(connect, 0); }
    else { window.addEventListener("load", function () { setTimeout(connect, 0); }); }
  }
  if (state) { start(state); }
  else { fetch("/api/state").then(function (r) { return r.json(); }).then(start); }
})();
