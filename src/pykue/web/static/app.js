// pykue dashboard: plain JavaScript, no dependencies. Counts, chart data and job changes arrive
// over one Server-Sent Events stream (api/live); lists are paged by the server.
"use strict";

(function () {
  const STATES = ["inactive", "active", "failed", "complete", "delayed"];
  const LABELS = { inactive: "Queued", active: "Active", failed: "Failed", complete: "Complete", delayed: "Delayed" };
  const PRIORITIES = { low: 10, normal: 0, medium: -5, high: -10, critical: -15 };
  const PAGE = 20;

  const root = (function () {
    const parts = location.pathname.split("/");
    if (STATES.includes(parts[parts.length - 1])) parts.pop();
    return parts.join("/").replace(/\/?$/, "/");
  })();
  const first = location.pathname.split("/").pop();
  const view = {
    state: STATES.includes(first) ? first : "inactive",
    type: "", sort: "asc", offset: 0, total: 0, search: "", before: null,
    rows: [], openId: null, counts: {},
  };
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // -- talking to the server ------------------------------------------------------------------

  async function api(path, options) {
    const init = Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options || {});
    if (init.body !== undefined) init.headers["Content-Type"] = "application/json";
    const response = await fetch(root + path, init);
    if (response.status === 204) return null;
    let body = null;
    try { body = await response.json(); } catch (err) { body = null; }
    if (!response.ok) {
      throw new Error((body && body.error) || response.status + " " + response.statusText);
    }
    return body;
  }

  let toastTimer = null;
  function toast(text, isError) {
    const box = $("toast");
    box.textContent = text;
    box.className = "toast" + (isError ? " error" : "");
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  async function act(promise, done) {
    try {
      const body = await promise;
      toast((body && body.message) || done || "done");
      refreshSoon(0);
      if (view.openId) showJob(view.openId);
    } catch (err) {
      toast(err.message, true);
    }
  }

  // -- formatting -----------------------------------------------------------------------------

  function ago(ms) {
    if (!ms) return "";
    const s = Math.round((Date.now() - Number(ms)) / 1000);
    const future = s < 0, a = Math.abs(s);
    const text = a < 60 ? a + "s" : a < 3600 ? Math.floor(a / 60) + "m" : a < 86400 ? Math.floor(a / 3600) + "h" : Math.floor(a / 86400) + "d";
    return future ? "in " + text : text + " ago";
  }
  function stamp(ms) { return ms ? new Date(Number(ms)).toLocaleString() : ""; }
  function duration(ms) {
    const n = Number(ms);
    return n < 1000 ? n + " ms" : n < 60000 ? (n / 1000).toFixed(1) + " s" : (n / 60000).toFixed(1) + " min";
  }
  function prioName(value) {
    for (const [name, number] of Object.entries(PRIORITIES)) if (number === value) return name;
    return String(value);
  }
  function titleOf(job) {
    const data = job.data;
    if (data && typeof data === "object" && data.title !== undefined) return String(data.title);
    const text = JSON.stringify(data);
    return text && text.length > 80 ? text.slice(0, 80) + "…" : text || "";
  }
  function progressBar(value, big) {
    const pct = Math.max(0, Math.min(100, Number(value) || 0));
    const fill = el("i");
    fill.style.width = pct + "%";
    return el("span", { class: "bar" + (big ? " big" : "") }, fill);
  }
  function pretty(value) { return typeof value === "string" ? value : JSON.stringify(value, null, 2); }

  // -- counts and chart -----------------------------------------------------------------------

  function showStats(stats) {
    for (const state of STATES) {
      const value = stats[state + "Count"];
      const node = $("count-" + state);
      if (view.counts[state] !== undefined && view.counts[state] !== value) {
        node.classList.remove("bump"); void node.offsetWidth; node.classList.add("bump");
      }
      node.textContent = value.toLocaleString();
      if (view.counts[state] !== value && state === view.state) refreshSoon(300);
      view.counts[state] = value;
    }
    $("work-time").textContent = stats.workTime === null ? "–" : duration(stats.workTime);
  }

  let lastHistory = null;
  function drawChart(history) {
    if (history) lastHistory = history;
    const data = lastHistory;
    const canvas = $("chart");
    if (!data || !canvas.clientWidth) return;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = width * ratio; canvas.height = height * ratio;
    const ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    const css = getComputedStyle(document.documentElement);
    const colours = { complete: css.getPropertyValue("--complete").trim(), failed: css.getPropertyValue("--failed").trim() };
    const left = 38, right = 8, top = 8, bottom = 20;
    const plotW = width - left - right, plotH = height - top - bottom;
    const n = data.minutes.length;
    const peak = Math.max(1, ...data.complete.map((c, i) => c + data.failed[i]));
    const step = niceStep(peak);
    const max = Math.ceil(peak / step) * step;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    for (let v = 0; v <= max; v += step) {
      const y = top + plotH - (v / max) * plotH;
      ctx.strokeStyle = "#eceef5"; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(left, Math.round(y) + 0.5); ctx.lineTo(width - right, Math.round(y) + 0.5); ctx.stroke();
      ctx.fillStyle = "#8a8fa3"; ctx.textAlign = "right"; ctx.fillText(String(v), left - 6, y);
    }
    const slot = plotW / n, barW = Math.max(1, slot * 0.7);
    for (let i = 0; i < n; i++) {
      const x = left + i * slot + (slot - barW) / 2;
      const hc = (data.complete[i] / max) * plotH, hf = (data.failed[i] / max) * plotH;
      ctx.fillStyle = colours.complete; ctx.fillRect(x, top + plotH - hc, barW, hc);
      ctx.fillStyle = colours.failed; ctx.fillRect(x, top + plotH - hc - hf, barW, hf);
    }
    ctx.fillStyle = "#8a8fa3"; ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (let back = 60; back >= 0; back -= 10) {
      const i = n - 1 - back;
      const x = left + Math.max(0, i) * slot + slot / 2;
      ctx.fillText(back === 0 ? "now" : "-" + back + "m", Math.min(Math.max(x, left + 12), width - right - 12), top + plotH + 5);
    }
    if (peak === 1 && !data.complete.some(Boolean) && !data.failed.some(Boolean)) {
      ctx.fillStyle = "#8a8fa3"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.font = "13px system-ui, sans-serif";
      ctx.fillText("No job finished in the last hour", left + plotW / 2, top + plotH / 2);
    }
    $("sum-complete").textContent = data.complete.reduce((a, b) => a + b, 0).toLocaleString();
    $("sum-failed").textContent = data.failed.reduce((a, b) => a + b, 0).toLocaleString();
  }
  function niceStep(peak) {
    const raw = peak / 4, mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
    for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return Math.max(1, m * mag);
    return Math.max(1, 10 * mag);
  }

  // -- the list -------------------------------------------------------------------------------

  async function loadList() {
    const params = new URLSearchParams({ state: view.state });
    if (view.type) params.set("type", view.type);
    let body;
    try {
      if (view.search) {
        params.set("q", view.search);
        if (view.before) params.set("before", view.before);
        body = await api("api/search?" + params);
      } else {
        params.set("offset", view.offset); params.set("limit", PAGE); params.set("sort", view.sort);
        body = await api("api/jobs?" + params);
      }
    } catch (err) { toast(err.message, true); return; }
    view.rows = body.jobs;
    view.total = body.total === undefined ? null : body.total;
    view.next = body.next === undefined ? null : body.next;
    view.scanned = body.scanned;
    renderList();
  }

  function renderList() {
    const tbody = document.querySelector("#jobs tbody");
    tbody.replaceChildren(...view.rows.map(row));
    $("empty").hidden = view.rows.length > 0;
    const searching = Boolean(view.search);
    if (searching) {
      $("page-info").textContent = view.rows.length + " found in " + view.scanned + " jobs looked at";
    } else {
      const end = Math.min(view.total, view.offset + view.rows.length);
      $("page-info").textContent = view.total ? (view.offset + 1) + "–" + end + " of " + view.total.toLocaleString() : "";
    }
    $("prev").hidden = $("next").hidden = searching;
    $("more").hidden = !searching || !view.next;
    $("prev").disabled = view.offset === 0;
    $("next").disabled = view.offset + PAGE >= view.total;
    const bulk = view.type && (view.state === "failed" || view.state === "complete");
    $("bulk-retry").hidden = !(view.type && view.state === "failed");
    $("bulk-remove").hidden = !bulk;
  }

  function row(job) {
    const cells = [
      el("td", { class: "id" }, "#" + job.id),
      el("td", {}, el("span", { class: "type" }, job.type)),
      el("td", { class: "title" }, titleOf(job), job.error ? el("span", { class: "err" }, String(job.error).split("\n")[0]) : null),
      el("td", {}, el("span", { class: "prio " + prioName(job.priority) }, prioName(job.priority))),
      el("td", {}, progressBar(job.progress), el("span", { class: "pct" }, (Number(job.progress) || 0) + "%")),
      el("td", { class: "muted" }, job.attempts.made + "/" + job.attempts.max),
      el("td", { class: "muted", title: stamp(job.updated_at) }, ago(job.updated_at)),
      el("td", { class: "actions-col" }, rowActions(job)),
    ];
    return el("tr", { "data-id": job.id, class: job.id === view.openId ? "open" : "", onclick: () => showJob(job.id) }, cells);
  }

  function rowActions(job) {
    const stop = (fn) => (event) => { event.stopPropagation(); fn(); };
    const buttons = [];
    if (job.state === "failed") buttons.push(el("button", { class: "btn small", "data-action": "retry", onclick: stop(() => retry(job.id)) }, "Retry"));
    if (job.state === "delayed") buttons.push(el("button", { class: "btn small", "data-action": "promote", onclick: stop(() => promote(job.id)) }, "Promote"));
    buttons.push(el("button", { class: "btn small danger", "data-action": "remove", title: "Remove", onclick: stop(() => remove(job.id)) }, "✕"));
    return buttons;
  }

  // Throttled: under a steady stream of changes the list still refreshes about twice a second.
  let refreshTimer = null;
  function refreshSoon(delay) {
    if (refreshTimer && delay !== 0) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { refreshTimer = null; loadList(); }, delay === undefined ? 400 : delay);
  }

  // -- actions --------------------------------------------------------------------------------

  const retry = (id) => act(api("job/" + id + "/retry", { method: "POST" }));
  const promote = (id) => act(api("job/" + id + "/promote", { method: "POST" }));
  const setPriority = (id, value) => act(api("job/" + id + "/priority/" + value, { method: "PUT" }));
  function remove(id) {
    if (view.openId === id) closeJob();
    act(api("job/" + id, { method: "DELETE" }));
  }

  // -- job detail -----------------------------------------------------------------------------

  async function showJob(id) {
    view.openId = id;
    for (const tr of document.querySelectorAll("#jobs tbody tr")) tr.classList.toggle("open", Number(tr.dataset.id) === id);
    let job, log;
    try {
      [job, log] = await Promise.all([api("job/" + id), api("job/" + id + "/log")]);
    } catch (err) {
      if (view.openId === id) { closeJob(); toast(err.message, true); }
      return;
    }
    if (view.openId !== id) return;
    renderJob(job, log);
  }

  function closeJob() {
    view.openId = null;
    $("detail").hidden = true;
    for (const tr of document.querySelectorAll("#jobs tbody tr.open")) tr.classList.remove("open");
  }

  function renderJob(job, log) {
    const id = Number(job.id);
    const facts = [
      ["Priority", job.state === "complete" ? prioName(job.priority) + " (" + job.priority + ")" : ""],
      ["Attempts", job.attempts.made + " made, " + job.attempts.remaining + " left of " + job.attempts.max],
      ["Created", stamp(job.created_at)], ["Updated", stamp(job.updated_at)],
      ["Started", stamp(job.started_at)], ["Failed", stamp(job.failed_at)],
      ["Promote at", job.state === "delayed" ? stamp(job.promote_at) + " (" + ago(job.promote_at) + ")" : ""],
      ["Duration", job.duration ? duration(job.duration) : ""], ["Delay", job.delay ? duration(job.delay) : ""],
      ["TTL", job.ttl ? duration(job.ttl) : ""], ["Worker", job.workerId || ""],
    ].filter(([, value]) => value);
    const priority = el("select", { "aria-label": "Priority", onchange: (e) => setPriority(id, e.target.value) },
      Object.entries(PRIORITIES).map(([name, value]) => el("option", { value, selected: value === job.priority }, name)));
    const actions = [];
    if (job.state === "failed") actions.push(el("button", { class: "btn primary small", "data-action": "retry", onclick: () => retry(id) }, "Retry"));
    if (job.state === "delayed") actions.push(el("button", { class: "btn primary small", "data-action": "promote", onclick: () => promote(id) }, "Promote now"));
    if (job.state !== "complete") actions.push(el("label", { class: "muted" }, "Priority "), priority);
    actions.push(el("button", { class: "btn danger small", "data-action": "remove", onclick: () => remove(id) }, "Remove"));
    const blocks = [
      el("div", { class: "block" }, el("h3", {}, "Progress"), progressBar(job.progress, true),
        el("span", { class: "pct" }, (Number(job.progress) || 0) + "%"), job.progress_data !== undefined ? el("pre", {}, pretty(job.progress_data)) : null),
      el("div", { class: "block" }, el("h3", {}, "Data"), el("pre", { class: "data" }, pretty(job.data))),
      job.result !== undefined ? el("div", { class: "block" }, el("h3", {}, "Result"), el("pre", { class: "result" }, pretty(job.result))) : null,
      job.error ? el("div", { class: "block" }, el("h3", {}, "Error"), el("pre", { class: "error" }, job.error)) : null,
      el("div", { class: "block" }, el("h3", {}, "Log (" + log.length + ")"),
        log.length ? el("ol", { class: "log" }, log.map((line) => el("li", {}, line))) : el("p", { class: "muted" }, "No log lines.")),
    ];
    const panel = $("detail");
    panel.replaceChildren(
      el("div", { class: "detail-head" }, el("h2", {}, "#" + id), el("span", { class: "type" }, job.type),
        el("span", { class: "badge " + job.state }, LABELS[job.state] || job.state),
        el("button", { class: "btn small close", "aria-label": "Close", onclick: closeJob }, "✕")),
      el("div", { class: "actions" }, actions),
      el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      ...blocks.filter(Boolean),
    );
    panel.dataset.id = id;
    panel.dataset.state = job.state;
    panel.hidden = false;
    // Kue publishes no event for log lines: while a job runs, its detail also re-reads every 2 s.
    clearTimeout(view.detailTimer);
    if (job.state === "active") view.detailTimer = setTimeout(() => view.openId === id && showJob(id), 2000);
  }

  // -- navigation and controls ----------------------------------------------------------------

  function selectState(state, push) {
    view.state = state; view.offset = 0; view.before = null;
    for (const link of document.querySelectorAll(".state")) link.classList.toggle("current", link.dataset.state === state);
    $("list-title").textContent = LABELS[state];
    document.title = LABELS[state] + " · " + $("title").textContent;
    if (push) history.pushState({ state }, "", root + state);
    loadList();
  }

  async function loadTypes() {
    try {
      const types = await api("job/types");
      const select = $("type-filter");
      const current = select.value;
      select.replaceChildren(el("option", { value: "" }, "All types"), ...types.map((t) => el("option", { value: t, selected: t === current }, t)));
    } catch (err) { toast(err.message, true); }
  }

  function wire() {
    for (const link of document.querySelectorAll(".state")) {
      link.addEventListener("click", (event) => { event.preventDefault(); selectState(link.dataset.state, true); });
    }
    document.addEventListener("keydown", (event) => { if (event.key === "Escape" && view.openId) closeJob(); });
    window.addEventListener("popstate", (event) => selectState((event.state && event.state.state) || "inactive", false));
    $("type-filter").addEventListener("focus", loadTypes);
    $("type-filter").addEventListener("change", (e) => { view.type = e.target.value; view.offset = 0; view.before = null; loadList(); });
    $("sort").addEventListener("change", (e) => { view.sort = e.target.value; view.offset = 0; loadList(); });
    let searchTimer = null;
    $("search").addEventListener("input", (e) => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => { view.search = e.target.value.trim(); view.before = null; view.offset = 0; loadList(); }, 250);
    });
    $("prev").addEventListener("click", () => { view.offset = Math.max(0, view.offset - PAGE); loadList(); });
    $("next").addEventListener("click", () => { view.offset += PAGE; loadList(); });
    $("more").addEventListener("click", () => { view.before = view.next; loadList(); });
    $("bulk-retry").addEventListener("click", () => {
      if (confirm("Queue again every failed " + view.type + " job?")) act(api("jobs/" + encodeURIComponent(view.type) + "/failed/retry", { method: "POST" }));
    });
    $("bulk-remove").addEventListener("click", () => {
      if (confirm("Remove every " + view.state + " " + view.type + " job?")) act(api("jobs/" + encodeURIComponent(view.type) + "/" + view.state, { method: "DELETE" }));
    });
    if (window.ResizeObserver) new ResizeObserver(() => drawChart()).observe($("chart"));
    else window.addEventListener("resize", () => drawChart());
  }

  function connect() {
    const status = $("live-status");
    const source = new EventSource(root + "api/live");
    source.addEventListener("open", () => { status.dataset.state = "open"; $("live-text").textContent = "live"; });
    source.addEventListener("error", () => { status.dataset.state = "error"; $("live-text").textContent = "reconnecting"; });
    source.addEventListener("stats", (e) => showStats(JSON.parse(e.data)));
    source.addEventListener("history", (e) => drawChart(JSON.parse(e.data)));
    source.addEventListener("changes", (e) => {
      const change = JSON.parse(e.data);
      if (view.openId && (change.full || change.ids.includes(view.openId))) showJob(view.openId);
      const shown = new Set(view.rows.map((j) => Number(j.id)));
      if (change.full || (!view.search && view.offset === 0) || change.ids.some((id) => shown.has(id))) refreshSoon();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    wire();
    selectState(view.state, false);
    history.replaceState({ state: view.state }, "", location.href);
    loadTypes();
    api("api/history").then(drawChart, (err) => toast(err.message, true));
    connect();
  });
})();
