// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// against a running Beacon whose simulator feeds organisation demo. The last line on stdout is
// one JSON object that DashboardBrowserTest asserts on; screenshots go to the directory given.
// Waits are the page's own conditions (no sleeps). Scenarios:
//
//   demo       the KPIs and the live feed move; nothing is wider than a laptop or a phone
//   key        a server that requires keys: the page asks for one, loads with it, keeps it
//   websocket  the /ws/dashboard contract, served by a stand-in (page.routeWebSocket): live on a
//              snapshot, every field of an update rendered, reconnects by itself when it closes
//
//   node dashboard.mjs demo http://127.0.0.1:8080/ target/screenshots
//   node dashboard.mjs key http://127.0.0.1:8080/ target/screenshots bk_…
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [scenario, url, outDir, key] = process.argv.slice(2);
if (!['demo', 'key', 'websocket'].includes(scenario) || !url || !outDir || (scenario === 'key' && !key)) {
  console.error('usage: node dashboard.mjs demo|key|websocket <dashboard url> <screenshot dir> [key]');
  process.exit(2);
}
const WAIT_MS = Number(process.env.BEACON_BROWSER_WAIT_MS || 45000);
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
mkdirSync(outDir, { recursive: true });

const result = {
  scenario,
  url,
  kpisBefore: null,
  kpisAfter: null,
  feedRowsBefore: 0,
  feedRowsAfter: 0,
  feedTopBefore: null,
  feedTopAfter: null,
  freshness: null,
  connection: null,
  websocketAttempts: 0,
  websocketUrls: [],
  charts: {},
  laptop: null,
  phone: null,
  pageErrors: [],
  consoleErrors: [],
  screenshots: [],
  error: null,
};

const browser = await chromium.launch({
  executablePath: process.env.BEACON_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});

async function shot(page, name) {
  const path = resolve(join(outDir, name));
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  result.screenshots.push(path);
}

const kpis = (page) => page.$$eval('[data-kpi]', (els) => Object.fromEntries(els.map((e) => [e.dataset.kpi, e.textContent.trim()])));
const asNumber = (text) => Number(String(text).replace(/[^0-9.]/g, ''));
const feedTop = (page) => page.$eval('#feed-rows', (b) => (b.firstElementChild ? b.firstElementChild.textContent : null));

/** Where the page is wider than its viewport: the document, and each visible element that sticks out (not inside a scroller). */
const overflow = (page) => page.evaluate(() => {
  const width = window.innerWidth;
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let scroller = el.parentElement;
    while (scroller && getComputedStyle(scroller).overflowX === 'visible') scroller = scroller.parentElement;
    if (scroller && scroller !== document.body && scroller !== document.documentElement) continue;
    offenders.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : ''} right=${Math.round(box.right)}`);
  }
  return { innerWidth: width, scrollWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 10) };
});

/** Console errors other than the expected ones: the websocket that is not there yet, and 404s of an organisation with nothing on the read side. */
function watch(page) {
  page.on('pageerror', (e) => result.pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/WebSocket connection|Failed to load resource: the server responded with a status of (404|401)/.test(text)) return;
    result.consoleErrors.push(text);
  });
  page.on('websocket', (ws) => {
    result.websocketAttempts += 1;
    if (result.websocketUrls.length < 10) result.websocketUrls.push(ws.url());
  });
}

const impressionsAbove = (page, floor) => page.waitForFunction(
  (min) => Number(document.querySelector('[data-kpi="impressions"]').textContent.replace(/[^0-9.]/g, '')) > min,
  floor, { timeout: WAIT_MS });

/** The open server: the demo opens by itself, moves, and fits a laptop and a phone. */
async function demoMoves(page) {
  await page.goto(url, { waitUntil: 'load' });
  await impressionsAbove(page, 0);
  result.kpisBefore = await kpis(page);
  await impressionsAbove(page, asNumber(result.kpisBefore.impressions));
  result.kpisAfter = await kpis(page);

  // the live feed: rows, then a new row on top
  await page.waitForFunction(() => document.querySelectorAll('#feed-rows tr').length > 0, null, { timeout: WAIT_MS });
  result.feedRowsBefore = await page.$$eval('#feed-rows tr', (rows) => rows.length);
  result.feedTopBefore = await feedTop(page);
  await page.waitForFunction((before) => {
    const top = document.querySelector('#feed-rows tr');
    return top && top.textContent !== before;
  }, result.feedTopBefore, { timeout: WAIT_MS });
  result.feedRowsAfter = await page.$$eval('#feed-rows tr', (rows) => rows.length);
  result.feedTopAfter = await feedTop(page);
  await page.waitForFunction(() => document.querySelector('#freshness').dataset.fresh !== 'none', null, { timeout: WAIT_MS });
  result.freshness = await page.$eval('#freshness', (e) => e.dataset.fresh);

  // the websocket was tried (and, while it is missing, tried again); the badge says how the page gets its data
  await page.waitForFunction(() => document.querySelector('#conn').dataset.state === 'live', null, { timeout: WAIT_MS });
  result.connection = await page.$eval('#conn', (e) => e.dataset.state);
  result.charts = await page.evaluate(() => Object.fromEntries(['timeseries', 'channels-pie', 'channels-bars']
    .map((id) => [id, Boolean(window.Chart && window.Chart.getChart(id))])));

  result.laptop = await overflow(page);
  await shot(page, 'dashboard-laptop.png');

  await page.setViewportSize(PHONE);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  result.phone = await overflow(page);
  await shot(page, 'dashboard-phone.png');
}

/** A server that requires keys: the page asks for one, loads with it, and remembers it. */
async function keyEntry(page) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => !document.querySelector('#notice').hidden, null, { timeout: WAIT_MS });
  result.noticeWithoutKey = await page.$eval('#notice', (e) => e.textContent);
  result.kpisWithoutKey = await kpis(page);
  await page.fill('#key', key);
  await page.click('#org-form button[type="submit"]');
  await impressionsAbove(page, 0);
  result.kpisWithKey = await kpis(page);
  result.noticeHiddenWithKey = await page.$eval('#notice', (e) => e.hidden);
  await shot(page, 'dashboard-key.png');
  await page.reload({ waitUntil: 'load' });
  await impressionsAbove(page, 0);
  result.kpisAfterReload = await kpis(page);
  result.keyFieldAfterReload = (await page.inputValue('#key')) === key;
  await page.waitForFunction(() => document.querySelector('#conn').dataset.state === 'live', null, { timeout: WAIT_MS });
  result.connectionWithKey = await page.$eval('#conn', (e) => e.dataset.state);
  result.websocketUrlWithKey = result.websocketUrls[result.websocketUrls.length - 1];
}

const text = (page, selector) => page.$eval(selector, (e) => e.textContent.trim());
const until = (page, fn, arg) => page.waitForFunction(fn, arg, { timeout: WAIT_MS });
const kpiIs = (page, name, value) => until(page, ([n, v]) => document.querySelector(`[data-kpi="${n}"]`).textContent === v, [name, value]);

function campaign(id, impressions, clicks, conversions, spent) {
  return {
    campaignId: id, organizationId: 'demo', timestamp: new Date().toISOString(), impressions, clicks, conversions,
    views: 0, engagements: 0, completions: 0, skips: 0, ctr: impressions ? (100 * clicks) / impressions : null,
    conversionRate: clicks ? (100 * conversions) / clicks : null, totalSpent: spent, conversionValue: conversions * 50,
    cpc: clicks ? spent / clicks : null, cpa: conversions ? spent / conversions : null, engagementRate: 0,
    averageViewTime: null, sessions: 0, bounceRate: null, adPlaybacks: 0, completionRate: null, skipRate: null,
  };
}

function dashboard(campaigns) {
  const sum = (f) => campaigns.reduce((s, c) => s + c[f], 0);
  return {
    organizationId: 'demo', timestamp: new Date().toISOString(), timeWindow: null, totalImpressions: sum('impressions'),
    totalClicks: sum('clicks'), totalConversions: sum('conversions'), activeCampaigns: campaigns.length,
    overallCtr: (100 * sum('clicks')) / sum('impressions'), totalSpent: sum('totalSpent'),
    totalConversionValue: sum('conversionValue'), campaigns,
  };
}

function compare(first, last) {
  const model = (conversions) => ({ conversions, revenue: conversions * 100, channels: [
    { channel: 'Paid Search', conversions: conversions * 0.75, revenue: conversions * 75 },
    { channel: 'Email', conversions: conversions * 0.25, revenue: conversions * 25 }] });
  return { organizationId: 'demo', from: '2026-11-02', to: '2026-12-01', models: { first_click: model(first), last_click: model(last) },
    firstToLastClickShift: {}, sessions: [] };
}

const timeseries = (n) => ({ organizationId: 'demo', days: Array.from({ length: 14 }, (_, i) => ({
  date: new Date(Date.UTC(2026, 10, 18 + i)).toISOString().slice(0, 10),
  first_click: { conversions: i === 13 ? n : 0, revenue: 0 }, last_click: { conversions: i === 13 ? n : 0, revenue: 0 } })) });

const feedItem = (name, ageMs) => ({ timestampMillis: Date.now() - ageMs, name, userId: 'user-ws', channel: 'Email', campaign: 'ws-campaign' });

/** The websocket contract against a stand-in server: snapshot, each field of an update, error, close and reconnect. */
async function websocketContract(page) {
  const sockets = [];
  const received = [];
  await page.routeWebSocket(/\/ws\/dashboard/, (ws) => {
    sockets.push(ws);
    ws.onMessage((message) => {
      const frame = JSON.parse(message);
      received.push(frame);
      if (frame.type !== 'subscribe') return;
      ws.send(JSON.stringify({ type: 'snapshot', id: sockets.length * 100, organizationId: frame.organizationId,
        campaignIds: null, resumed: false, dashboard: dashboard([campaign('alpha', 900000, 9000, 90, 4500), campaign('beta', 100000, 1000, 10, 500)]),
        attribution: compare(40, 50), timeseries: timeseries(7), events: [feedItem('snapshot_event', 1000)] }));
    });
  });
  await page.goto(url, { waitUntil: 'load' });
  await until(page, () => document.querySelector('#conn').dataset.state === 'live');
  const ws = sockets[sockets.length - 1];
  const steps = {};
  steps.subscribe = received.find((f) => f.type === 'subscribe');
  await kpiIs(page, 'impressions', '1,000,000');
  steps.snapshot = { kpis: await kpis(page), diff: await text(page, '[data-att="diff-conversions"]'), feedTop: await feedTop(page) };

  ws.send(JSON.stringify({ type: 'update', id: 101, organizationId: 'demo', dashboard: dashboard([campaign('alpha', 1900000, 19000, 190, 9500), campaign('beta', 100000, 1000, 10, 500)]) }));
  await kpiIs(page, 'impressions', '2,000,000');
  steps.dashboard = await kpis(page);

  ws.send(JSON.stringify({ type: 'update', id: 102, organizationId: 'demo', campaigns: [campaign('gamma', 500000, 5000, 100, 1000)] }));
  await kpiIs(page, 'impressions', '2,500,000');
  steps.campaign = { kpis: await kpis(page), rows: await page.$$eval('#campaign-rows tr', (rows) => rows.map((r) => r.dataset.campaign)) };

  ws.send(JSON.stringify({ type: 'update', id: 103, organizationId: 'demo', events: [feedItem('ws_event_2', 0), feedItem('ws_event_1', 10)] }));
  await until(page, () => document.querySelector('#feed-rows tr').textContent.includes('ws_event_2'));
  steps.events = await page.$$eval('#feed-rows tr', (rows) => rows.map((r) => r.children[1].textContent));

  ws.send(JSON.stringify({ type: 'update', id: 104, organizationId: 'demo', attribution: compare(10, 15), timeseries: timeseries(3) }));
  await until(page, () => document.querySelector('[data-att="diff-conversions"]').textContent === '+50 %');
  steps.attribution = { first: await text(page, '[data-att="first-conversions"]'), last: await text(page, '[data-att="last-conversions"]'),
    diff: await text(page, '[data-att="diff-conversions"]'),
    series: await page.evaluate(() => window.Chart.getChart('timeseries').data.datasets[1].data.slice(-1)[0]) };

  ws.send(JSON.stringify({ type: 'heartbeat', at: new Date().toISOString() }));
  ws.send(JSON.stringify({ type: 'error', error: 'bad filter', reasons: ['campaignIds: unknown campaign zeta'] }));
  await until(page, () => !document.querySelector('#notice').hidden);
  steps.error = await text(page, '#notice');
  await shot(page, 'dashboard-websocket.png');

  // the server goes away: the page polls the REST API, then reconnects and subscribes again
  const before = sockets.length;
  await ws.close({ code: 1011, reason: 'test closes' });
  await until(page, () => document.querySelector('#conn').dataset.state !== 'live');
  steps.afterClose = await page.$eval('#conn', (e) => e.dataset.state);
  await until(page, () => document.querySelector('#conn').dataset.state === 'live');
  steps.reconnected = { sockets: sockets.length - before, subscribes: received.filter((f) => f.type === 'subscribe').length };
  result.websocket = steps;
}

try {
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'en-US' });
  const page = await context.newPage();
  watch(page);
  await { demo: demoMoves, key: keyEntry, websocket: websocketContract }[scenario](page);
  await context.close();
} catch (e) {
  result.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}

console.log(JSON.stringify(result));
process.exit(result.error ? 1 : 0);
