// Beacon's live dashboard. Loads from the REST API, then follows the websocket
// /ws/dashboard; while the websocket is down it polls the REST API and reconnects with backoff.
'use strict';

(() => {
  const POLL_MS = 5000;
  const FEED_SIZE = 20;
  const FRESH_MS = 30000;               // newest event younger than this: green light
  const SILENCE_MS = 45000;             // no frame (not even a heartbeat) this long: reconnect
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
  const STORAGE = 'beacon.dashboard';
  const FIRST = 'first_click';
  const LAST = 'last_click';
  const COLOURS = ['#2f6fde', '#e8772e', '#1f9d55', '#c2409a', '#8a63d2', '#d64545', '#15a3b8', '#b08900', '#6b7a90', '#7cb342'];

  const $ = (selector) => document.querySelector(selector);
  const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

  const state = {
    org: 'demo',
    key: '',
    epoch: 0,            // bumped when the organisation changes: answers of an older one are dropped
    dashboard: null,
    feed: [],
    seen: new Set(),
    clockOffset: 0,      // server time minus browser time, from the dashboard's timestamp
    socket: null,
    live: false,
    attempt: 0,
    reconnectTimer: null,
    reconnectAt: 0,
    silenceTimer: null,
    pollTimer: null,
    charts: {},
  };

  // ---- settings -----------------------------------------------------------------------------

  function loadSettings() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE) || '{}');
      if (typeof saved.org === 'string' && saved.org) state.org = saved.org;
      if (typeof saved.key === 'string') state.key = saved.key;
    } catch (e) {
      // unreadable storage: the defaults stand
    }
    const fromUrl = new URLSearchParams(location.search).get('organizationId');
    if (fromUrl) state.org = fromUrl;
    $('#org').value = state.org;
    $('#key').value = state.key;
  }

  function saveSettings() {
    try {
      localStorage.setItem(STORAGE, JSON.stringify({ org: state.org, key: state.key }));
    } catch (e) {
      // private mode: the settings last as long as the page
    }
  }

  // ---- formatting ---------------------------------------------------------------------------

  const num = (v) => (v === null || v === undefined || Number.isNaN(Number(v)) ? null : Number(v));
  const fmtInt = (v) => (num(v) === null ? '–' : integer.format(num(v)));
  const fmtDec = (v) => (num(v) === null ? '–' : decimal.format(num(v)));
  const fmtMoney = (v) => (num(v) === null ? '–' : money.format(num(v)));
  const fmtPct = (v) => (num(v) === null ? '–' : decimal.format(num(v)) + ' %');

  function fmtDiff(first, last) {
    if (!first) return { text: '–', cls: '' };
    const pct = (100 * (last - first)) / first;
    const sign = pct > 0 ? '+' : '';
    return { text: sign + decimal.format(pct) + ' %', cls: pct > 0 ? 'up' : pct < 0 ? 'down' : '' };
  }

  function setText(el, text) {
    if (el.textContent === text) return;
    el.textContent = text;
    if (el.closest('.kpi')) {
      el.classList.remove('changed');
      void el.offsetWidth; // restarts the animation
      el.classList.add('changed');
    }
  }

  function showEmpty(name, empty) {
    const el = document.querySelector(`[data-empty="${name}"]`);
    if (el) el.hidden = !empty;
  }

  function notice(text, level) {
    const el = $('#notice');
    el.hidden = !text;
    el.textContent = text || '';
    el.dataset.level = level || 'info';
  }

  // ---- rendering ----------------------------------------------------------------------------

  function renderDashboard(d) {
    // a websocket "dashboard" update carries the totals only: the campaigns stay as the table has them
    if (!Array.isArray(d.campaigns)) d = { ...d, campaigns: state.dashboard ? state.dashboard.campaigns || [] : [] };
    state.dashboard = d;
    if (d.timestamp) state.clockOffset = Date.parse(d.timestamp) - Date.now();
    const spend = num(d.totalSpent);
    const conversions = num(d.totalConversions);
    setText($('[data-kpi="impressions"]'), fmtInt(d.totalImpressions));
    setText($('[data-kpi="clicks"]'), fmtInt(d.totalClicks));
    setText($('[data-kpi="ctr"]'), fmtPct(d.overallCtr));
    setText($('[data-kpi="conversions"]'), fmtInt(conversions));
    setText($('[data-kpi="spend"]'), fmtMoney(spend));
    setText($('[data-kpi="cpa"]'), conversions ? fmtMoney(spend / conversions) : '–');
    renderCampaigns(d.campaigns || []);
    $('#updated').textContent = 'updated ' + clock.format(new Date());
  }

  function renderCampaigns(campaigns) {
    const rows = [...campaigns].sort((a, b) => num(b.totalSpent) - num(a.totalSpent) || a.campaignId.localeCompare(b.campaignId));
    const body = $('#campaign-rows');
    body.replaceChildren(...rows.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.campaign = c.campaignId;
      cell(tr, c.campaignId, 'id');
      cell(tr, fmtInt(c.impressions), 'num');
      cell(tr, fmtInt(c.clicks), 'num');
      cell(tr, fmtPct(c.ctr), 'num opt');
      cell(tr, fmtInt(c.conversions), 'num');
      cell(tr, fmtPct(c.conversionRate), 'num opt');
      cell(tr, fmtMoney(c.totalSpent), 'num');
      cell(tr, fmtMoney(c.cpa), 'num opt');
      cell(tr, fmtMoney(c.conversionValue), 'num opt');
      return tr;
    }));
    showEmpty('campaigns', rows.length === 0);
  }

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  /** A campaign's update: replace it in the dashboard and sum again, as the server's dashboard does. */
  /** The dashboard with these campaigns' newest metrics in it, and its totals summed again. */
  function mergeCampaigns(list) {
    const d = state.dashboard ? { ...state.dashboard } : { organizationId: state.org, campaigns: [] };
    const byId = new Map((d.campaigns || []).map((x) => [x.campaignId, x]));
    list.forEach((c) => byId.set(c.campaignId, c));
    const campaigns = [...byId.values()];
    const sum = (field) => campaigns.reduce((s, x) => s + (num(x[field]) || 0), 0);
    d.campaigns = campaigns;
    d.totalImpressions = sum('impressions');
    d.totalClicks = sum('clicks');
    d.totalConversions = sum('conversions');
    d.totalSpent = Math.round(sum('totalSpent') * 1e6) / 1e6;
    d.totalConversionValue = Math.round(sum('conversionValue') * 1e6) / 1e6;
    d.overallCtr = d.totalImpressions ? (100 * d.totalClicks) / d.totalImpressions : null;
    d.timestamp = list[list.length - 1].timestamp || d.timestamp;
    return d;
  }

  function renderAttribution(cmp) {
    const models = (cmp && cmp.models) || {};
    const first = models[FIRST] || { conversions: 0, revenue: 0, channels: [] };
    const last = models[LAST] || { conversions: 0, revenue: 0, channels: [] };
    const empty = !cmp || (!first.conversions && !last.conversions);
    $('#attribution-range').textContent = cmp && cmp.from ? `(${cmp.from} to ${cmp.to})` : '';
    setAtt('first-conversions', fmtDec(cmp ? first.conversions : null));
    setAtt('last-conversions', fmtDec(cmp ? last.conversions : null));
    setAtt('first-revenue', fmtMoney(cmp ? first.revenue : null));
    setAtt('last-revenue', fmtMoney(cmp ? last.revenue : null));
    setAtt('diff-conversions', fmtDiff(first.conversions, last.conversions));
    setAtt('diff-revenue', fmtDiff(first.revenue, last.revenue));
    showEmpty('attribution', empty);
    document.querySelector('[data-empty="attribution"]').textContent = cmp
      ? 'No attributed conversions in this range yet.' : 'No journeys for this organisation yet.';

    const byChannel = new Map();
    for (const c of first.channels || []) byChannel.set(c.channel, { first: c.conversions, last: 0 });
    for (const c of last.channels || []) byChannel.set(c.channel, { first: 0, ...byChannel.get(c.channel), last: c.conversions });
    const channels = [...byChannel.keys()].sort((a, b) => byChannel.get(b).last - byChannel.get(a).last || a.localeCompare(b));
    const lastValues = channels.map((c) => byChannel.get(c).last);
    const firstValues = channels.map((c) => byChannel.get(c).first);
    chart('channels-pie', 'doughnut', channels, [{ data: lastValues, backgroundColor: channels.map((_, i) => COLOURS[i % COLOURS.length]) }],
      { plugins: { legend: { position: 'right', labels: { boxWidth: 12 } } } });
    chart('channels-bars', 'bar', channels, [
      { label: 'First click', data: firstValues, backgroundColor: COLOURS[0] },
      { label: 'Last click', data: lastValues, backgroundColor: COLOURS[1] },
    ], { scales: { y: { beginAtZero: true } }, plugins: { legend: { labels: { boxWidth: 12 } } } });
    showEmpty('channels', channels.length === 0);
  }

  function setAtt(name, value) {
    const el = document.querySelector(`[data-att="${name}"]`);
    const { text, cls } = typeof value === 'string' ? { text: value, cls: '' } : value;
    el.textContent = text;
    el.className = cls;
  }

  function renderTimeseries(ts) {
    const days = (ts && ts.days) || [];
    const labels = days.map((d) => String(d.date).slice(5));
    const pick = (model, field) => days.map((d) => (d[model] ? d[model][field] : 0));
    chart('timeseries', 'line', labels, [
      { label: 'Conversions, first click', data: pick(FIRST, 'conversions'), borderColor: COLOURS[0], backgroundColor: COLOURS[0], yAxisID: 'y', tension: 0.25 },
      { label: 'Conversions, last click', data: pick(LAST, 'conversions'), borderColor: COLOURS[1], backgroundColor: COLOURS[1], yAxisID: 'y', tension: 0.25 },
      { label: 'Revenue, first click', data: pick(FIRST, 'revenue'), borderColor: COLOURS[0], backgroundColor: COLOURS[0], borderDash: [5, 4], yAxisID: 'revenue', tension: 0.25 },
      { label: 'Revenue, last click', data: pick(LAST, 'revenue'), borderColor: COLOURS[1], backgroundColor: COLOURS[1], borderDash: [5, 4], yAxisID: 'revenue', tension: 0.25 },
    ], {
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { boxWidth: 12 } } },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: 'conversions' } },
        revenue: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'revenue' } },
      },
    });
    showEmpty('timeseries', days.every((d) => !(d[FIRST] && d[FIRST].conversions) && !(d[LAST] && d[LAST].conversions)));
  }

  /** Creates the chart once, then changes its data in place (no flicker, no new canvas). */
  function chart(id, type, labels, datasets, options) {
    if (!window.Chart) return; // the page still shows every number without its charts
    const existing = state.charts[id];
    if (existing) {
      existing.data.labels = labels;
      datasets.forEach((ds, i) => {
        if (existing.data.datasets[i]) Object.assign(existing.data.datasets[i], ds);
        else existing.data.datasets.push(ds);
      });
      existing.data.datasets.length = datasets.length;
      existing.update('none');
      return;
    }
    state.charts[id] = new window.Chart($('#' + id), {
      type,
      data: { labels, datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...options },
    });
  }

  // Feed items come as {timestampMillis, name, ...} or {time, eventName, ...}: both are read.
  const itemTime = (e) => (e.timestampMillis !== undefined ? Number(e.timestampMillis) : Date.parse(e.time));
  const itemName = (e) => e.name || e.eventName || '?';
  const itemKey = (e) => [itemTime(e), itemName(e), e.userId, e.channel, e.campaign].join('|');

  /** Newest first; {@code replace} for a whole list (REST, snapshot), else new items on top. */
  function renderFeed(items, replace) {
    const fresh = [];
    const incoming = replace ? items : [...items, ...state.feed];
    const seen = new Set();
    const feed = [];
    for (const item of incoming) {
      const key = itemKey(item);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!state.seen.has(key)) fresh.push(key);
      feed.push(item);
    }
    feed.sort((a, b) => itemTime(b) - itemTime(a));
    state.feed = feed.slice(0, FEED_SIZE);
    state.seen = new Set(state.feed.map(itemKey));
    const firstLoad = $('#feed-rows').children.length === 0;
    $('#feed-rows').replaceChildren(...state.feed.map((e) => {
      const tr = document.createElement('tr');
      if (!firstLoad && fresh.includes(itemKey(e))) tr.className = 'new';
      cell(tr, clock.format(new Date(itemTime(e))));
      cell(tr, itemName(e));
      cell(tr, e.channel || '–');
      cell(tr, e.campaign || '–', 'opt');
      cell(tr, e.userId || '–', 'opt user');
      return tr;
    }));
    showEmpty('feed', state.feed.length === 0);
    updateFreshness();
  }

  function updateFreshness() {
    const light = $('#freshness');
    const age = $('#feed-age');
    if (state.feed.length === 0) {
      light.dataset.fresh = 'none';
      light.title = 'no events yet';
      age.textContent = '';
      return;
    }
    const ms = Math.max(0, Date.now() + state.clockOffset - itemTime(state.feed[0]));
    light.dataset.fresh = ms <= FRESH_MS ? 'fresh' : 'stale';
    light.title = ms <= FRESH_MS ? 'events are arriving' : 'no event in the last ' + FRESH_MS / 1000 + ' s';
    age.textContent = '(newest ' + ago(ms) + ')';
  }

  function ago(ms) {
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 172800) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' days ago';
  }

  // ---- REST ---------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.error) || 'HTTP ' + status);
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, params) {
    const url = new URL(path, location.href);
    url.searchParams.set('organizationId', state.org);
    for (const [k, v] of Object.entries(params || {})) url.searchParams.set(k, v);
    const headers = { Accept: 'application/json' };
    if (state.key) headers.Authorization = 'Bearer ' + state.key;
    const response = await fetch(url, { headers, cache: 'no-store' });
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      // no JSON body
    }
    if (!response.ok) throw new HttpError(response.status, body);
    return body;
  }

  /** One round of REST reads; a 404 of the read side means "nothing yet" and shows empty states. */
  async function loadAll() {
    const epoch = state.epoch;
    const nothingYet = (e) => {
      if (e instanceof HttpError && e.status === 404) return null;
      throw e;
    };
    const results = await Promise.allSettled([
      api('/api/analytics/real-time/dashboard'),
      api('/api/attribution/compare').catch(nothingYet),
      api('/api/attribution/timeseries', { days: 14 }).catch(nothingYet),
      api('/api/analytics/events/live', { limit: FEED_SIZE }).catch(nothingYet),
    ]);
    // answers of another organisation, or overtaken by the websocket's snapshot, are stale
    if (epoch !== state.epoch || state.live) return;
    const [dashboard, compare, timeseries, feed] = results;
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) reportFailure(failure.reason);
    else notice('');
    if (dashboard.status === 'fulfilled') renderDashboard(dashboard.value);
    if (compare.status === 'fulfilled') renderAttribution(compare.value);
    if (timeseries.status === 'fulfilled') renderTimeseries(timeseries.value);
    if (feed.status === 'fulfilled') renderFeed(feed.value ? feed.value.events || [] : [], true);
  }

  function reportFailure(e) {
    if (e instanceof HttpError && e.status === 401) {
      notice(`This server needs a key: enter a key of organisation ${state.org} with the read scope${state.key ? ' (the one given is unknown or revoked)' : ''}.`, 'error');
      // every poll says it again: take the focus only from no other field
      if (!(document.activeElement instanceof HTMLInputElement)) $('#key').focus();
    } else if (e instanceof HttpError && e.status === 403) {
      notice(`The key may not read organisation ${state.org}: ${((e.body && e.body.reasons) || []).join('; ') || e.message}`, 'error');
    } else if (e instanceof HttpError && e.status === 429) {
      notice('Too many requests for this key: the page slows down.', 'info');
    } else if (e instanceof HttpError) {
      notice(`The server answered ${e.status}: ${[e.message, ...((e.body && e.body.reasons) || [])].join('; ')}`, 'error');
    } else {
      notice('The server cannot be reached; trying again.', 'error');
    }
  }

  function schedulePoll(delay) {
    clearTimeout(state.pollTimer);
    state.pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    if (state.live) return;
    try {
      await loadAll();
    } finally {
      if (!state.live) schedulePoll(POLL_MS);
      updateConnection();
    }
  }

  // ---- websocket ----------------------------------------------------------------------------

  function connect() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    const url = new URL('/ws/dashboard', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (state.key) url.searchParams.set('token', state.key);
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (e) {
      reconnectLater();
      return;
    }
    state.socket = socket;
    updateConnection();
    socket.onopen = () => {
      if (socket !== state.socket) return;
      socket.send(JSON.stringify({ type: 'subscribe', organizationId: state.org }));
      expectFrames();
    };
    socket.onmessage = (message) => {
      if (socket !== state.socket) return;
      expectFrames();
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      onFrame(frame);
    };
    socket.onclose = () => {
      if (socket !== state.socket) return;
      state.socket = null;
      clearTimeout(state.silenceTimer);
      if (state.live) {
        state.live = false;
        schedulePoll(0); // the REST API carries the page until the websocket is back
      }
      reconnectLater();
    };
  }

  function onFrame(frame) {
    switch (frame.type) {
      case 'snapshot':
        if (frame.organizationId && frame.organizationId !== state.org) return;
        state.live = true;
        state.attempt = 0;
        clearTimeout(state.pollTimer);
        notice('');
        if (frame.dashboard) renderDashboard(frame.dashboard);
        renderAttribution(frame.attribution || null);
        renderTimeseries(frame.timeseries || null);
        renderFeed(frame.events || [], true);
        break;
      case 'update':
        // what changed since the last frame: each field only when it did
        if (!state.live) return;
        if (frame.campaigns && frame.campaigns.length) {
          const merged = mergeCampaigns(frame.campaigns);
          if (frame.dashboard) state.dashboard = merged; // the server's totals, over the merged table
          renderDashboard(frame.dashboard || merged);
        } else if (frame.dashboard) {
          renderDashboard(frame.dashboard);
        }
        if (frame.attribution !== undefined) renderAttribution(frame.attribution);
        if (frame.timeseries !== undefined) renderTimeseries(frame.timeseries);
        if (frame.events) renderFeed(frame.events, false);
        break;
      case 'error':
        notice('Live updates: ' + [frame.error, ...(frame.reasons || [])].filter(Boolean).join('; '), 'error');
        break;
      default:
        break; // heartbeat, or a frame type this page does not know
    }
    updateConnection();
  }

  /** A connection that goes silent (no heartbeat) is closed, which reconnects it. */
  function expectFrames() {
    clearTimeout(state.silenceTimer);
    const socket = state.socket;
    state.silenceTimer = setTimeout(() => {
      if (socket === state.socket) socket.close();
    }, SILENCE_MS);
  }

  function reconnectLater() {
    const delay = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
    state.attempt += 1;
    state.reconnectAt = Date.now() + delay;
    state.reconnectTimer = setTimeout(connect, delay);
    updateConnection();
  }

  function updateConnection() {
    const el = $('#conn');
    let label;
    let title;
    if (state.live) {
      label = 'live';
      title = 'live updates over the websocket';
    } else if (state.socket && state.socket.readyState === WebSocket.CONNECTING) {
      label = state.attempt === 0 ? 'connecting' : 'reconnecting';
      title = 'opening the websocket; the page polls every ' + POLL_MS / 1000 + ' s meanwhile';
    } else {
      label = 'polling';
      const wait = Math.max(0, Math.round((state.reconnectAt - Date.now()) / 1000));
      title = 'no websocket: the page polls every ' + POLL_MS / 1000 + ' s; next try in ' + wait + ' s';
    }
    el.dataset.state = label;
    el.textContent = label;
    el.title = title;
  }

  // ---- organisation -------------------------------------------------------------------------

  function open() {
    state.epoch += 1;
    state.live = false;
    state.dashboard = null;
    state.feed = [];
    state.seen = new Set();
    state.attempt = 0;
    $('#feed-rows').replaceChildren();
    document.title = `Beacon · ${state.org}`;
    const old = state.socket;
    state.socket = null;
    if (old) old.close();
    clearTimeout(state.reconnectTimer);
    schedulePoll(0);
    connect();
  }

  function start() {
    loadSettings();
    $('#org-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const org = $('#org').value.trim();
      if (!org) return;
      state.org = org;
      state.key = $('#key').value.trim();
      saveSettings();
      open();
    });
    setInterval(() => {
      updateFreshness();
      if (!state.live) updateConnection();
    }, 1000);
    open();
  }

  start();
})();
