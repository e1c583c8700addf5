// 民情地图: households as clustered markers over village outlines and group labels. No tiles unless
// the deployment configures its own tile server (then its URL arrives in map-config).
(function () {
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const map = L.map("map", { zoomControl: true, attributionControl: Boolean(config.tile_url), maxZoom: 19, minZoom: 8 });
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { maxZoom: 19, attribution: config.tile_attribution, key: config.tile_key,
      subdomains: config.tile_subdomains || "abc" }).addTo(map);
  }
  // Stored coordinates are GPS (WGS-84). On GCJ-02 tiles (most Chinese street maps) they are drawn
  // shifted by gcoord, or they would sit a few hundred metres off their houses.
  const shift = config.tile_url && config.tile_crs === "gcj02"
    ? (lat, lon) => { const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02); return [y, x]; }
    : (lat, lon) => [lat, lon];
  function onTiles(data) {
    // Every coordinate of the answer, once, before anything is drawn.
    (data.villages || []).forEach((v) => { [v.lat, v.lon] = shift(v.lat, v.lon); });
    (data.areas || []).forEach((area) => {
      area.outline = area.outline.map(([lat, lon]) => shift(lat, lon));
      (area.groups || []).forEach((g) => { [g.lat, g.lon] = shift(g.lat, g.lon); });
    });
    (data.households || []).forEach((h) => { [h[1], h[2]] = shift(h[1], h[2]); });
    return data;
  }
  window.minxinMap = { map, cluster: null };  // for the browser tests and for debugging
  // Cluster bubbles in a neutral slate: the layer colours (已脱贫 green, 低保 yellow…) mean something.
  const cluster = L.markerClusterGroup({
    maxClusterRadius: 40, showCoverageOnHover: false,
    iconCreateFunction: (group) => {
      const n = group.getChildCount();
      const size = n < 10 ? 30 : n < 100 ? 36 : 42;
      return L.divIcon({ html: `<div><span>${n}</span></div>`, className: "mx-cluster", iconSize: L.point(size, size) });
    },
  });
  map.addLayer(cluster);
  window.minxinMap.cluster = cluster;
  const layersBox = document.getElementById("map-layers");
  const countEl = document.getElementById("map-count");
  const householdUrl = (id) => config.household_url.replace("{id}", id);

  function popup(row) {
    const div = document.createElement("div");
    const title = document.createElement("strong");
    title.textContent = `${row[5]} ${row[6]}`;
    const group = document.createElement("div");
    group.textContent = row[3] || "";
    const link = document.createElement("a");
    link.href = householdUrl(row[0]);
    link.textContent = "查看一户一表";
    div.append(title, group, link);
    return div;
  }

  // The county: one point per village, sized by its households, its figures in the popup.
  function drawCounty(data) {
    const bounds = [];
    data.villages.forEach((v) => {
      const div = document.createElement("div");
      const title = document.createElement("strong");
      title.textContent = `${v.township} ${v.name}`;
      div.append(title);
      ["households", "registered", "not_exited", "dibao", "cases"].forEach((key) => {
        const line = document.createElement("div");
        line.textContent = `${data.words[key]}：${v[key]}`;
        div.append(line);
      });
      const link = document.createElement("a");
      link.href = config.village_map_url.replace("{code}", v.code);
      link.textContent = data.words.open;
      div.append(link);
      L.circleMarker([v.lat, v.lon], { radius: Math.max(4, Math.sqrt(v.households) / 2), color: "#fff", weight: 1,
        fillColor: v.not_exited ? "#c0392b" : "#34495e", fillOpacity: 0.8 })
        .bindTooltip(v.name).bindPopup(div).addTo(map);
      bounds.push([v.lat, v.lon]);
    });
    countEl.textContent = data.villages.reduce((sum, v) => sum + v.households, 0);
    layersBox.closest(".card").querySelector(".card-header").textContent = data.words.households;
    layersBox.textContent = data.words.note;
    layersBox.classList.add("small", "text-muted");
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
    else map.setView([28.55, 108.45], 10);
    document.body.dataset.mapReady = "1";
  }

  fetch(config.data_url, { credentials: "same-origin" })
    .then((response) => response.json())
    .then(onTiles)
    .then((data) => {
      if (data.villages) return drawCounty(data);
      const bounds = [];
      data.areas.forEach((area) => {
        if (area.outline.length >= 3) {
          L.polygon(area.outline, { color: "#6b8e23", weight: 2, dashArray: "6 4", fillColor: "#e8f0dc", fillOpacity: 0.5 })
            .bindTooltip(area.name, { sticky: true }).addTo(map);
        }
        area.outline.forEach((p) => bounds.push(p));
        const labels = data.level === "village" ? area.groups : [{ name: area.name, lat: centre(area.outline, 0), lon: centre(area.outline, 1) }];
        labels.forEach((g) => {
          L.marker([g.lat, g.lon], { interactive: false, icon: L.divIcon({ className: "mx-map-label", html: "", iconSize: null }) })
            .bindTooltip(g.name, { permanent: true, direction: "center", className: "mx-map-label" }).addTo(map);
        });
      });
      data.households.forEach((h) => bounds.push([h[1], h[2]]));
      if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
      else map.setView([28.55, 108.45], 10);

      const checks = data.layers.map((layer) => {
        const id = `layer-${layer.key}`;
        const wrap = document.createElement("div");
        wrap.className = "form-check";
        wrap.innerHTML = `<input class="form-check-input" type="checkbox" id="${id}" checked>` +
          `<label class="form-check-label" for="${id}"><span class="mx-swatch"></span></label>`;
        wrap.querySelector(".mx-swatch").style.background = layer.color;
        wrap.querySelector("label").append(layer.label);
        wrap.querySelector("input").dataset.bit = layer.bit;
        wrap.querySelector("input").dataset.layer = layer.key;
        layersBox.append(wrap);
        return wrap.querySelector("input");
      });
      const allBox = document.createElement("div");
      allBox.className = "form-check";
      allBox.innerHTML = '<input class="form-check-input" type="checkbox" id="layer-other" checked data-layer="other"><label class="form-check-label" for="layer-other"><span class="mx-swatch" style="background:#95a5a6"></span>一般户</label>';
      layersBox.append(allBox);
      const otherCheck = allBox.querySelector("input");

      function draw() {
        const active = checks.filter((c) => c.checked).map((c) => ({ bit: Number(c.dataset.bit), color: data.layers.find((l) => l.key === c.dataset.layer).color }));
        const classBits = data.layers.filter((l) => l.key !== "visited" && l.key !== "not_visited").reduce((a, l) => a | l.bit, 0);
        cluster.clearLayers();
        const markers = [];
        data.households.forEach((h) => {
          const match = active.find((a) => h[4] & a.bit);
          const ordinary = !(h[4] & classBits);
          if (!match && !(ordinary && otherCheck.checked)) return;
          const color = match ? match.color : "#95a5a6";
          markers.push(L.circleMarker([h[1], h[2]], { radius: 6, color: "#fff", weight: 1, fillColor: color, fillOpacity: 0.95 })
            .bindPopup(() => popup(h)));
        });
        cluster.addLayers(markers);
        countEl.textContent = markers.length;
      }
      layersBox.addEventListener("change", draw);
      draw();
      drawRisks(data);

      const list = document.getElementById("missing-list");
      document.getElementById("missing-count").textContent = data.missing.length;
      data.missing.slice(0, 200).forEach((m) => {
        const li = document.createElement("li");
        li.className = "list-group-item";
        const a = document.createElement("a");
        a.href = householdUrl(m.id);
        a.textContent = `${m.number} ${m.head}`;
        li.append(a, document.createTextNode(m.group ? ` · ${m.group}` : ""));
        list.append(li);
      });
      document.body.dataset.mapReady = "1";
    });

  // The risk layer: open dispute cases in their risk colour, one check box per colour.
  function drawRisks(data) {
    if (!data.risks || !data.risks.length) return;
    const group = L.layerGroup().addTo(map);
    const heading = document.createElement("div");
    heading.className = "small text-muted mt-2";
    heading.textContent = config.words.risk_heading;
    layersBox.append(heading);
    const boxes = data.risks.map((risk) => {
      const n = data.cases.filter((c) => c[3] === risk.key).length;
      const wrap = document.createElement("div");
      wrap.className = "form-check";
      wrap.innerHTML = `<input class="form-check-input" type="checkbox" id="risk-${risk.key}" checked>` +
        `<label class="form-check-label" for="risk-${risk.key}"><span class="mx-swatch mx-swatch-risk"></span></label>`;
      wrap.querySelector(".mx-swatch").style.background = risk.color;
      wrap.querySelector("label").append(`${risk.label}（${n}）`);
      wrap.querySelector("input").dataset.risk = risk.key;
      layersBox.append(wrap);
      return wrap.querySelector("input");
    });
    function redraw() {
      group.clearLayers();
      const shown = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.risk));
      data.cases.filter((c) => shown.has(c[3])).forEach((c) => {
        const color = data.risks.find((r) => r.key === c[3]).color;
        const icon = L.divIcon({ className: "mx-risk-marker", html: `<span style="background:${color}"></span>`, iconSize: [18, 18] });
        const link = document.createElement("a");
        link.href = config.dispute_url.replace("{id}", String(c[0]));
        link.textContent = c[4];
        L.marker([c[1], c[2]], { icon, zIndexOffset: 1000, title: c[4] }).bindPopup(link).addTo(group);
      });
    }
    boxes.forEach((b) => b.addEventListener("change", redraw));
    redraw();
  }

  function centre(points, index) {
    return points.reduce((sum, p) => sum + p[index], 0) / Math.max(points.length, 1);
  }
})();
