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

  // Each place's name needs about this many pixels under a column; where the chart is narrower
  // (a phone, a county with twenty townships) the bars lie down, one row per place, and the chart
  // grows to hold them all.
  const LABEL_PX = 44;
  const ROW_PX = 24;
  const baseHeight = barEl.clientHeight;

  function drawBar(key) {
    const lying = barEl.clientWidth < data.labels.length * LABEL_PX;
    barEl.style.height = lying ? `${Math.max(baseHeight, data.labels.length * ROW_PX + 40)}px` : "";
    bar.resize();
    const places = { type: "category", data: data.labels, axisLabel: { interval: 0 } };
    const values = { type: "value", minInterval: 1 };
    bar.setOption({
      graphic: emptyNote(data.series[key] || []),
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: lying ? values : places,
      yAxis: lying ? { ...places, inverse: true } : values,
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
  window.addEventListener("resize", () => { drawBar(select.value); trend.resize(); });
})();
