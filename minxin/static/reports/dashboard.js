// Dashboard charts: a breakdown bar chart (figure chosen in the select) and monthly trends.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const red = "#b3121f";
  const barEl = document.getElementById("breakdown-chart");
  const select = document.getElementById("breakdown-figure");
  const bar = echarts.init(barEl, null, { renderer: "svg" });

  function drawBar(key) {
    bar.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: data.names[key], type: "bar", data: data.series[key], itemStyle: { color: red } }],
    }, true);
  }
  drawBar(select.value);
  select.addEventListener("change", () => drawBar(select.value));

  const trendEl = document.getElementById("trend-chart");
  const trendKeys = Object.keys(data.trends);
  const trend = echarts.init(trendEl, null, { renderer: "svg" });
  const months = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);
  trend.setOption({
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: trendKeys.map((key) => ({ name: data.names[key], type: "line", smooth: true, data: data.trends[key] })),
  });
  window.addEventListener("resize", () => { bar.resize(); trend.resize(); });
})();
