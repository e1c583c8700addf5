// The ten-hearts radar on a cadre's result page: the cadre's rate per heart beside the township mean.
(function () {
  const data = JSON.parse(document.getElementById("radar-data").textContent);
  const node = document.getElementById("heart-radar");
  const chart = echarts.init(node, null, { renderer: "svg" });
  const value = (v) => (v === null ? 0 : Number(v));
  const empty = !data.hearts.some((h) => h.own !== null);
  chart.setOption({
    graphic: empty ? [{ type: "text", left: "center", top: "middle", style: { text: data.words.empty, fontSize: 14, fill: "#6c757d" } }] : [],
    tooltip: { trigger: "item" },
    legend: { bottom: 0, type: "scroll" },
    radar: {
      radius: "62%", center: ["50%", "46%"],
      indicator: data.hearts.map((h) => ({ name: h.label, max: 100 })),
      axisName: { color: "#495057" },
    },
    series: [{
      type: "radar",
      data: [
        { name: data.names.peers, value: data.hearts.map((h) => value(h.peers)),
          lineStyle: { color: "#6c757d", type: "dashed" }, itemStyle: { color: "#6c757d" } },
        { name: data.names.own, value: data.hearts.map((h) => value(h.own)),
          lineStyle: { color: "#b3121f", width: 2 }, itemStyle: { color: "#b3121f" }, areaStyle: { color: "rgba(179, 18, 31, 0.15)" } },
      ],
    }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
