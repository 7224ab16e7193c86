// Command centre grid map: our own grid boundaries (GeoJSON from the map's JSON endpoint) registered with
// echarts.registerMap and coloured by open and overdue events. Plain JavaScript, no inline code (CSP).
(function () {
  "use strict";
  var chart = null;

  function option(data) {
    var labels = data.labels || {};
    var byCode = {};
    (data.grids || []).forEach(function (g) { byCode[g.code] = g; });
    return {
      backgroundColor: "transparent",
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var g = byCode[p.name];
          if (!g) { return p.name; }
          return g.name + " · " + g.village + "<br>" + labels.open_n + " " + g.open + " · " + labels.overdue_n + " " + g.overdue;
        }
      },
      visualMap: {
        type: "piecewise", left: 8, bottom: 8, dimension: 0, seriesIndex: 0,
        pieces: [
          { value: 0, label: labels.none, color: "#d0d5dd" },
          { value: 1, label: labels.open, color: "#f5b700" },
          { value: 2, label: labels.overdue, color: "#d92d20" }
        ]
      },
      series: [{
        type: "map", map: data.map, nameProperty: "code", roam: true, selectedMode: false,
        label: { show: true, fontSize: 11, formatter: function (p) { var g = byCode[p.name]; return g ? g.name : ""; } },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#2f80ed" } },
        data: (data.grids || []).map(function (g) { return { name: g.code, value: g.level }; })
      }]
    };
  }

  function draw(node) {
    fetch(node.dataset.jsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        if (!data.geojson || !data.geojson.features.length) { return; }
        echarts.registerMap(data.map, { geoJSON: data.geojson });
        if (!chart) { chart = echarts.init(node, null, { renderer: "canvas" }); }
        chart.setOption(option(data), { notMerge: true });
        node.setAttribute("data-drawn", String(data.geojson.features.length));
      })
      .catch(function () { node.setAttribute("data-error", "1"); });
  }

  function start() {
    var node = document.getElementById("cc-grid-map");
    if (!node || typeof echarts === "undefined") { return; }
    draw(node);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { if (chart) { chart.resize(); } }, 150);
    });
    setInterval(function () { if (!document.hidden) { draw(node); } }, 60000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
