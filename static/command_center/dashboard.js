// Command centre dashboard (desk and wall): charts from the JSON in #cc-data, refreshed from the
// dashboard's JSON endpoint; on the wall, the 1920×1080 stage is scaled to the screen. No inline code (CSP).
(function () {
  "use strict";
  var charts = {};

  function readData() {
    var node = document.getElementById("cc-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function scaleStage(stage) {
    var scale = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "scale(" + scale + ")";
  }

  function chart(id, dark) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return null; }
    if (!charts[id]) { charts[id] = echarts.init(node, dark ? "dark" : null, { renderer: "canvas" }); }
    return charts[id];
  }

  function trendOption(labels, series, pick, dark) {
    var counts = series.filter(function (s) { return s.unit === "count"; });
    var rates = series.filter(function (s) { return s.unit === "percent"; });
    var all = counts.concat(rates);
    return {
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: dark ? "#cfe3ff" : "#333" } },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: labels },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
      series: all.map(function (s) {
        return {
          name: s.label, type: s.unit === "percent" ? "line" : "bar", yAxisIndex: s.unit === "percent" ? 1 : 0,
          data: s[pick], smooth: true, connectNulls: true
        };
      })
    };
  }

  function departmentOption(data, dark) {
    var figure = null, label = "";
    (data.loops || []).forEach(function (loop) {
      loop.figures.forEach(function (f) {
        if (!figure && data.departments[f.key] && data.departments[f.key].length && f.unit === "count") { figure = f.key; label = f.label; }
      });
    });
    var rows = figure ? data.departments[figure].slice(0, 12).reverse() : [];
    return {
      backgroundColor: "transparent",
      title: { text: label, left: "center", textStyle: { fontSize: 14, color: dark ? "#cfe3ff" : "#333" } },
      tooltip: {}, grid: { left: 140, right: 24, top: 32, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.department; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#2f80ed" } }]
    };
  }

  function render(data, dark) {
    if (!data) { return; }
    var daily = chart("cc-trend-daily", dark), monthly = chart("cc-trend-monthly", dark), depts = chart("cc-departments", dark);
    var replace = { notMerge: true };
    if (daily) { daily.setOption(trendOption(data.trends.days, data.trends.series, "daily", dark), replace); }
    if (monthly) { monthly.setOption(trendOption(data.trends.months, data.trends.series, "monthly", dark), replace); }
    if (depts) { depts.setOption(departmentOption(data, dark), replace); }
    (data.loops || []).forEach(function (loop) {
      loop.figures.forEach(function (f) {
        document.querySelectorAll('[data-figure="' + f.key + '"]').forEach(function (node) {
          node.textContent = f.value === null ? "—" : String(f.value);
        });
      });
    });
    ["red", "yellow"].forEach(function (level) {
      document.querySelectorAll('[data-warning="' + level + '"]').forEach(function (node) {
        node.textContent = String(data.warnings[level]);
      });
    });
    document.querySelectorAll("[data-generated]").forEach(function (node) { node.textContent = data.generated_at; });
  }

  function start() {
    var root = document.getElementById("cc-dashboard");
    if (!root) { return; }
    var dark = root.hasAttribute("data-wall");
    if (dark) {
      scaleStage(root);
      window.addEventListener("resize", function () { scaleStage(root); });
    }
    render(readData(), dark);
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); }, 150);
    });
    var seconds = parseInt(root.getAttribute("data-refresh"), 10) || 60;
    var url = root.getAttribute("data-json-url");
    setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { render(data, dark); } })
        .catch(function () { /* offline for a moment: keep the last figures */ });
    }, seconds * 1000);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
