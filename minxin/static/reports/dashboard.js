// Dashboard charts: a breakdown bar chart (figure chosen in the select) and monthly trends.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const red = "#b3121f";
  const barEl = document.getElementById("breakdown-chart");
  const select = document.getElementById("breakdown-figure");
  const bar = echarts.init(barEl, null, { renderer: "svg" });

  // A chart with nothing to show says so instead of drawing an empty box.
  function emptyNote(values) {
    const empty = !values.some((v) => v);
    return empty ? [{ type: "text", left: "center", top: "middle", style: { text: data.words.empty, fontSize: 14, fill: "#6c757d" } }] : [];
  }

  function drawBar(key) {
    bar.setOption({
      graphic: emptyNote(data.series[key] || []),
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
  const current = data.month_in_progress;
  const mark = current ? {
    silent: true, itemStyle: { color: "rgba(179, 18, 31, 0.06)" },
    label: { color: "#6c757d", fontSize: 11, position: "insideBottom" },
    data: [[{ name: data.words.in_progress, xAxis: months[current - 1] }, { xAxis: months[current - 1] }]],
  } : undefined;
  trend.setOption({
    graphic: emptyNote(trendKeys.flatMap((key) => data.trends[key])),
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value", minInterval: 1 },
    series: trendKeys.map((key, i) => ({
      name: data.names[key], type: "line", smooth: 0.2, data: data.trends[key],
      markArea: i === 0 ? mark : undefined,
    })),
  });
  window.addEventListener("resize", () => { bar.resize(); trend.resize(); });
})();
