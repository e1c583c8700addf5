// The offline field app: lists the cadre's villages and households (from the bootstrap kept in
// IndexedDB), records visits, meetings, lectures, trainings, needs and requests on the phone, and
// sends the queue to POST /api/v1/sync when the connection returns (the `online` event) or on demand.
// Every record carries a client UUID and the phone's time; resending never creates duplicates.
"use strict";
(() => {
  const body = document.body;
  const T = JSON.parse(document.getElementById("fa-i18n").textContent);
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const SENT_KEPT = 50;
  const state = { data: null, village: null, household: null, history: [], location: null, syncing: false };

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("data-") || key === "type" || key === "role") node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function localInputValue(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }
  function isoWithOffset(local) {
    // "2026-11-20T09:30" typed on the phone → an ISO time with the phone's own offset.
    const date = local ? new Date(local) : new Date();
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    return `${localInputValue(date)}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
  }
  function newUuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  let toastTimer = null;
  function toast(text) {
    const node = $("[data-testid=toast]");
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 2500);
  }
  function notice(text) {
    const node = $("[data-testid=notice]");
    node.textContent = text || "";
    node.hidden = !text;
  }

  // --- views ---------------------------------------------------------------------------------
  function show(view, { push = true } = {}) {
    const current = $("section[data-view]:not([hidden])");
    if (push && current && current.dataset.view !== view) state.history.push(current.dataset.view);
    for (const section of $$("section[data-view]")) section.hidden = section.dataset.view !== view;
    $("[data-action=back]").hidden = view === "home";
    const titles = { village: state.village && state.village.name, household: state.household && state.household.number,
      visit: T.visit, meeting: T.meeting, request: T.request, need: T.need, queue: T.queued,
      "household-edit": T.household };
    $("[data-testid=fa-title]").textContent = titles[view] || document.title;
    window.scrollTo(0, 0);
    if (view === "queue") renderQueue();
    if (view === "household") { renderHouseholdQueue(); renderHouseholdVisits(); }
  }
  function back() { show(state.history.pop() || "home", { push: false }); }

  function fillOptions(select, options) {
    select.replaceChildren(...Object.entries(options).map(([value, label]) => el("option", { value }, label)));
  }

  function renderHome() {
    const data = state.data;
    const list = $("[data-testid=village-list]");
    list.replaceChildren();
    if (!data) { $("[data-testid=fa-user]").textContent = ""; notice(T.no_data); return; }
    $("[data-testid=fa-user]").textContent = `${data.user.name}${data.cadre ? "" : ""}`;
    const counts = {};
    for (const h of data.households) counts[h.village] = (counts[h.village] || 0) + 1;
    for (const village of data.villages) {
      const item = el("button", { class: "list-group-item list-group-item-action d-flex justify-content-between align-items-center", type: "button", "data-village": village.code },
        el("span", {}, el("strong", {}, village.name), el("span", { class: "text-muted small ms-2" }, village.township)),
        el("span", { class: "badge text-bg-light border" }, `${counts[village.code] || 0} ${T.households}`));
      item.addEventListener("click", () => openVillage(village));
      list.append(item);
    }
    $("[data-testid=data-age]").textContent = `${T.updated} ${new Date(data.generated_at).toLocaleString("zh-CN")}`;
    for (const select of $$("select[data-options]")) {
      const key = select.dataset.options;
      if (key === "villages") fillOptions(select, Object.fromEntries(data.villages.map((v) => [v.code, v.name])));
      else if (key === "need") fillOptions(select, data.labels.need);
      else fillOptions(select, data.labels[key] || {});
    }
  }

  function openVillage(village) {
    state.village = village;
    $("[data-testid=household-search]").value = "";
    renderHouseholds("");
    show("village");
  }
  function renderHouseholds(term) {
    const list = $("[data-testid=household-list]");
    const needle = term.trim().toLowerCase();
    const rows = state.data.households.filter((h) => h.village === state.village.code &&
      (!needle || `${h.number} ${h.head_name} ${h.group}`.toLowerCase().includes(needle)));
    list.replaceChildren(...rows.slice(0, 300).map((h) => {
      const tags = [];
      if (h.paired) tags.push(el("span", { class: "badge text-bg-danger-subtle text-danger-emphasis ms-1" }, T.paired));
      if (h.care_child || h.care_elderly || h.care_women) tags.push(el("span", { class: "badge text-bg-warning ms-1" }, T.care));
      const item = el("button", { class: "list-group-item list-group-item-action", type: "button", "data-household": String(h.id) },
        el("div", {}, el("strong", {}, h.head_name || "—"), ...tags),
        el("div", { class: "small text-muted" }, `${h.number} · ${h.group || ""}`));
      item.addEventListener("click", () => openHousehold(h));
      return item;
    }));
    if (!rows.length) list.append(el("div", { class: "list-group-item text-muted" }, T.no_households));
  }
  function openHousehold(household) {
    state.household = household;
    $("[data-testid=household-title]").textContent = `${household.head_name || "—"} · ${household.number}`;
    $("[data-testid=household-sub]").textContent = `${state.village ? state.village.name : ""} ${household.group || ""}`;
    show("household");
  }

  function day(iso) { return new Date(iso).toLocaleDateString("zh-CN"); }
  function renderHouseholdVisits() {
    // The last visits of this household (from the bootstrap, plus those this phone has sent since):
    // readable offline, in the mountains, before knocking on the door.
    const visits = (state.data.visits || []).filter((v) => state.household && v.household_id === state.household.id)
      .sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));
    const items = visits.map((v) => el("div", { class: "list-group-item", "data-visit": v.uuid },
      el("div", { class: "d-flex justify-content-between gap-2" },
        el("strong", {}, `${day(v.occurred_at)} · ${state.data.labels.visit[v.kind] || v.kind}`),
        el("span", { class: "small text-muted text-nowrap" }, v.cadre || "")),
      v.notes ? el("div", { class: "small fa-clip" }, v.notes) : null,
      v.help_given ? el("div", { class: "small text-muted fa-clip" }, `${T.help}：${v.help_given}`) : null));
    if (!items.length) items.push(el("div", { class: "list-group-item text-muted small" }, T.no_visits));
    $("[data-testid=household-visits]").replaceChildren(...items);
  }

  // --- forms ---------------------------------------------------------------------------------
  function startForm(view, { household = null, category = null } = {}) {
    const form = $(`form[data-form=${view}]`);
    form.reset();
    form.classList.remove("was-validated");
    for (const input of $$("input[type=datetime-local]", form)) input.value = localInputValue(new Date());
    const forLine = $("[data-role=for]", form);
    if (forLine) forLine.textContent = household ? `${household.head_name || ""} · ${household.number}` : "";
    const pick = $("[data-role=village-pick]", form);
    if (pick) pick.hidden = Boolean(household);
    if (view === "meeting") {
      form.elements.category.value = category;
      fillOptions(form.elements.kind, state.data.labels[category]);
      if (state.village) form.elements.village.value = state.village.code;
    }
    if (view === "request" && state.village) form.elements.village.value = state.village.code;
    if (view === "visit") { state.location = null; $("[data-role=location]", form).textContent = T.location_none; }
    if (view === "household-edit") {
      form.elements.group.value = household.group || "";
      form.elements.address.value = household.address || "";
    }
    form.dataset.household = household ? String(household.id) : "";
    show(view);
  }

  function valueOf(form, name) { return (form.elements[name].value || "").trim(); }

  async function enqueue(type, data, extra = {}) {
    const record = { uuid: newUuid(), type, data, device_time: new Date().toISOString(), created: Date.now(),
      username: state.data.user.username, status: "pending", label: "", ...extra };
    await FieldStore.queuePut(record);
    await refreshCount();
    toast(T.saved);
    if (navigator.onLine) syncNow();
    return record;
  }

  async function submitVisit(form) {
    const data = { household_id: Number(form.dataset.household), occurred_at: isoWithOffset(valueOf(form, "occurred_at")),
      kind: valueOf(form, "kind"), notes: valueOf(form, "notes"), help_given: valueOf(form, "help_given") };
    const needText = valueOf(form, "need_text");
    if (needText) data.needs = [{ category: valueOf(form, "need_category") || "other", text: needText }];
    if (state.location) Object.assign(data, state.location);
    await enqueue("visit", data);
  }
  async function submitMeeting(form) {
    await enqueue(valueOf(form, "category"), { village: valueOf(form, "village"), kind: valueOf(form, "kind"),
      occurred_at: isoWithOffset(valueOf(form, "occurred_at")), place: valueOf(form, "place"),
      topic: valueOf(form, "topic"), attendance: Number(valueOf(form, "attendance")), notes: valueOf(form, "notes") });
  }
  async function submitRequest(form) {
    const data = { text: valueOf(form, "text"), contact_name: valueOf(form, "contact_name"),
      contact_phone: valueOf(form, "contact_phone"), source: "visit", submitted_at: isoWithOffset("") };
    if (form.dataset.household) data.household_id = Number(form.dataset.household);
    else data.village = valueOf(form, "village");
    await enqueue("request", data);
  }
  async function submitNeed(form) {
    await enqueue("need", { household_id: Number(form.dataset.household), category: valueOf(form, "category"),
      text: valueOf(form, "text"), raised_at: isoWithOffset("") });
  }
  async function submitHousehold(form) {
    const household = state.data.households.find((h) => h.id === Number(form.dataset.household));
    const data = { household_id: household.id, group: valueOf(form, "group"), address: valueOf(form, "address") };
    if (valueOf(form, "phone")) data.phone = valueOf(form, "phone");
    await enqueue("household", data, { base_version: household.version });
  }
  const SUBMIT = { visit: submitVisit, meeting: submitMeeting, request: submitRequest, need: submitNeed,
    "household-edit": submitHousehold };

  function locate() {
    const out = $("form[data-form=visit] [data-role=location]");
    if (!navigator.geolocation) { out.textContent = T.location_fail; return; }
    out.textContent = T.location_wait;
    navigator.geolocation.getCurrentPosition((pos) => {
      state.location = { lat: Number(pos.coords.latitude.toFixed(6)), lon: Number(pos.coords.longitude.toFixed(6)),
        accuracy_m: Math.round(pos.coords.accuracy) };
      out.textContent = `${state.location.lat}, ${state.location.lon} ±${state.location.accuracy_m}m`;
    }, () => { out.textContent = T.location_fail; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function checkin() {
    if (!navigator.geolocation || !state.data.villages.length) return;
    navigator.geolocation.getCurrentPosition((pos) => enqueue("checkin", {
      village: (state.village || state.data.villages[0]).code, occurred_at: isoWithOffset(""),
      lat: Number(pos.coords.latitude.toFixed(6)), lon: Number(pos.coords.longitude.toFixed(6)),
      accuracy_m: Math.round(pos.coords.accuracy) }), () => toast(T.location_fail));
  }

  // --- the queue -----------------------------------------------------------------------------
  async function myQueue() {
    const all = await FieldStore.queueAll();
    return state.data ? all.filter((r) => r.username === state.data.user.username) : all;
  }
  async function refreshCount() {
    const queue = await myQueue();
    const refused = queue.filter((r) => r.status !== "pending").length;
    $("[data-testid=queue-count]").textContent = String(queue.length);
    const button = $("[data-testid=queue-button]");
    button.classList.toggle("btn-light", !refused);
    button.classList.toggle("btn-warning", Boolean(refused));
    return queue;
  }
  function sentKey() { return `sent:${state.data ? state.data.user.username : ""}`; }
  async function rememberSent(records) {
    // The phone keeps a short log of what the server has accepted, so the cadre can see it went.
    if (!records.length) return;
    const log = (await FieldStore.getMeta(sentKey())) || [];
    const now = new Date().toISOString();
    const fresh = records.map((r) => ({ uuid: r.uuid, label: describe(r), device_time: r.device_time, sent_at: now }));
    await FieldStore.setMeta(sentKey(), [...fresh.reverse(), ...log].slice(0, SENT_KEPT));
  }
  function describe(record) {
    const d = record.data;
    const household = state.data && state.data.households.find((h) => h.id === d.household_id);
    const village = state.data && state.data.villages.find((v) => v.code === d.village);
    const who = household ? `${household.head_name || ""} ${household.number}`
      : (village ? village.name : (d.household_id ? `#${d.household_id}` : ""));
    const kind = (state.data && state.data.labels[record.type] && state.data.labels[record.type][d.kind]) || "";
    return `${T[record.type] || record.type}${kind ? " · " + kind : ""} · ${who}`;
  }
  function queueItem(record) {
    const badge = { pending: "text-bg-secondary", invalid: "text-bg-danger", conflict: "text-bg-warning" }[record.status] || "text-bg-secondary";
    const item = el("div", { class: "list-group-item", "data-uuid": record.uuid, "data-status": record.status },
      el("div", { class: "d-flex justify-content-between align-items-start gap-2" }, el("span", {}, describe(record)),
        el("span", { class: `badge flex-shrink-0 ${badge}` }, T[record.status] || record.status)),
      el("div", { class: "small text-muted" }, new Date(record.device_time).toLocaleString("zh-CN")));
    if (record.errors && record.errors.length) {
      item.append(el("div", { class: "small text-danger" }, record.errors.map((e) => e.message).join("；")));
    }
    if (record.server) {
      const rows = Object.entries(record.server).filter(([key]) => T.fields[key])
        .map(([key, value]) => el("div", { class: "d-flex gap-2" }, el("span", { class: "text-muted flex-shrink-0" }, T.fields[key]),
          el("span", {}, value === null || value === "" ? "—" : String(value))));
      const box = el("details", { class: "small fa-server" }, el("summary", {}, T.server_copy), ...rows);
      if (record.type === "household") {
        const adopt = el("button", { class: "btn btn-sm btn-outline-primary mt-2", type: "button", "data-testid": "adopt-server" }, T.adopt);
        adopt.addEventListener("click", () => adoptServerCopy(record));
        box.append(adopt);
      }
      item.append(box);
    }
    if (record.status !== "pending") {
      const remove = el("button", { class: "btn btn-link btn-sm text-danger p-0", type: "button" }, T.remove);
      remove.addEventListener("click", async () => {
        if (!window.confirm(T.confirm_remove)) return;
        await FieldStore.queueDelete(record.uuid);
        renderQueue();
      });
      item.append(remove);
    }
    return item;
  }
  async function adoptServerCopy(record) {
    // Take the server's facts and version, drop the refused edit, and let the cadre edit again.
    const household = state.data.households.find((h) => h.id === record.server.id);
    if (household) {
      Object.assign(household, { group: record.server.group, address: record.server.address, version: record.server.version });
      await FieldStore.setMeta("bootstrap", state.data);
    }
    await FieldStore.queueDelete(record.uuid);
    await renderQueue();
    if (household) { state.household = household; startForm("household-edit", { household }); }
  }

  async function renderQueue() {
    const queue = await refreshCount();
    const refused = queue.filter((r) => r.status !== "pending");
    const pending = queue.filter((r) => r.status === "pending");
    const sent = (await FieldStore.getMeta(sentKey())) || [];
    const heading = (text, testid) => el("div", { class: "list-group-item fa-subh", "data-testid": testid }, text);
    $("[data-testid=queue-list]").replaceChildren(
      ...(refused.length ? [heading(T.refused_h, "refused-heading"), ...refused.map(queueItem)] : []),
      ...(pending.length ? [heading(T.pending_h, "pending-heading"), ...pending.map(queueItem)] : []));
    const status = $("[data-testid=queue-status]");
    const lastSent = sent.length ? ` ${T.last_sent} ${new Date(sent[0].sent_at).toLocaleString("zh-CN")}` : "";
    if (refused.length) {
      status.className = "alert alert-danger mx-3 my-2 py-2 small";
      status.textContent = T.n_refused.replace("%s", refused.length);
    } else if (pending.length) {
      status.className = "alert alert-secondary mx-3 my-2 py-2 small";
      status.textContent = T.n_pending.replace("%s", pending.length);
    } else {
      status.className = "alert alert-success mx-3 my-2 py-2 small";
      status.textContent = `${T.all_sent}${lastSent}`;
    }
    $("[data-testid=sent-list]").replaceChildren(...sent.map((r) => el("div", { class: "list-group-item", "data-uuid": r.uuid },
      el("div", { class: "d-flex justify-content-between align-items-start gap-2" }, el("span", {}, r.label),
        el("span", { class: "badge flex-shrink-0 text-bg-success" }, T.sent_badge)),
      el("div", { class: "small text-muted" }, `${T.recorded} ${new Date(r.device_time).toLocaleString("zh-CN")} · ${T.sent_at} ${new Date(r.sent_at).toLocaleString("zh-CN")}`))));
    if (!sent.length) $("[data-testid=sent-list]").append(el("div", { class: "list-group-item text-muted small" }, T.none_sent));
  }
  async function renderHouseholdQueue() {
    const queue = await myQueue();
    const mine = queue.filter((r) => state.household && r.data.household_id === state.household.id);
    $("[data-testid=household-queue]").replaceChildren(...mine.map(queueItem));
    $("[data-role=household-queue-heading]").hidden = !mine.length;
  }

  async function rememberVisit(record) {
    // A sent visit joins the household's history on the phone at once.
    const d = record.data;
    state.data.visits = [{ uuid: record.uuid, household_id: d.household_id, occurred_at: d.occurred_at, kind: d.kind,
      cadre: state.data.cadre ? state.data.cadre.name : "", notes: (d.notes || "").slice(0, 200),
      help_given: (d.help_given || "").slice(0, 200) }, ...(state.data.visits || []).filter((v) => v.uuid !== record.uuid)];
    await FieldStore.setMeta("bootstrap", state.data);
  }
  async function rememberHousehold(record, version) {
    // The edit is on the server now: keep the phone's copy in step (facts and version).
    const household = state.data.households.find((h) => h.id === record.data.household_id);
    if (!household) return;
    Object.assign(household, { group: record.data.group, address: record.data.address, version });
    await FieldStore.setMeta("bootstrap", state.data);
  }

  async function syncNow() {
    if (state.syncing || !state.data) return;
    const queue = (await myQueue()).filter((r) => r.status === "pending");
    if (!queue.length) { await refreshCount(); return; }
    state.syncing = true;
    updateNet(T.sending);
    const accepted = [];
    let refusedNow = 0;
    try {
      for (let start = 0; start < queue.length; start += 200) {
        const chunk = queue.slice(start, start + 200);
        const response = await fetch(body.dataset.sync, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ records: chunk.map((r) => ({ type: r.type, uuid: r.uuid, data: r.data,
            base_version: r.base_version, device_time: r.device_time })) }),
        });
        if (response.status === 401 || response.status === 403) { notice(T.login_needed); break; }
        if (!response.ok) throw new Error(String(response.status));
        const answer = await response.json();
        for (const [index, result] of answer.results.entries()) {
          const record = chunk[index];
          if (result.status === "created" || result.status === "duplicate") {
            await FieldStore.queueDelete(record.uuid);
            accepted.push(record);
            if (record.type === "household" && result.version) await rememberHousehold(record, result.version);
            if (record.type === "visit") await rememberVisit(record);
          } else {
            Object.assign(record, { status: result.status, errors: result.errors || [], server: result.server || null });
            await FieldStore.queuePut(record);
            refusedNow += 1;
          }
        }
      }
      notice("");
      await rememberSent(accepted);
      if (refusedNow) toast(T.n_refused.replace("%s", refusedNow));
      else if (accepted.length) toast(T.n_sent.replace("%s", accepted.length));
    } catch (error) {
      toast(T.send_failed);
    } finally {
      state.syncing = false;
      updateNet();
      const left = await refreshCount();
      if (!$("section[data-view=queue]").hidden) renderQueue();
      if (!$("section[data-view=household]").hidden) { renderHouseholdQueue(); renderHouseholdVisits(); }
      if (!left.some((r) => r.status === "pending")) body.dataset.synced = String(Date.now());
    }
  }

  // --- start ---------------------------------------------------------------------------------
  function updateNet(text) {
    const node = $("[data-testid=net-status]");
    node.textContent = text || (navigator.onLine ? T.online : T.offline);
    node.className = `fa-net badge ${navigator.onLine ? "text-bg-success" : "text-bg-secondary"}`;
  }

  async function loadBootstrap() {
    state.data = (await FieldStore.getMeta("bootstrap")) || null;
    renderHome();
    if (!navigator.onLine) return;
    try {
      const response = await fetch(body.dataset.bootstrap, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.status === 401 || response.status === 403) {
        // Signed out, or signed in as someone who may not use the app: the records shown so far
        // were another session's, and are forgotten (the queue keeps its author's unsent records).
        state.data = null;
        await FieldStore.deleteMeta("bootstrap");
        renderHome();
        notice(T.login_needed);
        return;
      }
      if (!response.ok) return;
      const fresh = await response.json();
      await FieldStore.setMeta("bootstrap", fresh);
      state.data = fresh;
      notice("");
      renderHome();
    } catch (error) {
      // Offline or a bad connection: keep working from what the phone already has.
    }
  }

  function bind() {
    document.addEventListener("click", (event) => {
      const target = event.target.closest("[data-action]");
      if (!target) return;
      const action = target.dataset.action;
      if (action === "back") back();
      else if (action === "show-queue") show("queue");
      else if (action === "sync") syncNow();
      else if (action === "new-visit") startForm("visit", { household: state.household });
      else if (action === "new-need") startForm("need", { household: state.household });
      else if (action === "edit-household") startForm("household-edit", { household: state.household });
      else if (action === "new-request") startForm("request", { household: target.closest("section").dataset.view === "household" ? state.household : null });
      else if (action === "new-meeting") startForm("meeting", { category: target.dataset.category });
      else if (action === "locate") locate();
      else if (action === "checkin") checkin();
    });
    for (const form of $$("form[data-form]")) {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        form.classList.add("was-validated");
        if (!form.checkValidity()) { toast(T.required); return; }
        await SUBMIT[form.dataset.form](form);
        back();
      });
    }
    $("[data-testid=household-search]").addEventListener("input", (event) => renderHouseholds(event.target.value));
    window.addEventListener("online", () => { updateNet(); loadBootstrap().then(syncNow); });
    window.addEventListener("offline", () => updateNet());
  }

  async function start() {
    bind();
    updateNet();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).catch(() => {});
    }
    await loadBootstrap();
    await refreshCount();
    body.dataset.ready = "1";
    if (navigator.onLine) syncNow();
  }
  start();
})();
