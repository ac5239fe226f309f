// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// opens the page of a running Beacon whose simulator feeds organisation demo, reads the KPIs,
// waits until they and the live feed change, then resizes to a phone and checks that nothing
// is wider than the screen. Screenshots go to the directory given; the last line on stdout is
// one JSON object that DashboardBrowserTest asserts on. Waits are the page's own (no sleeps).
//
//   node dashboard.mjs http://127.0.0.1:8080/ target/screenshots
//
// With a key as third argument the server is one that requires keys: the page must ask for one,
// load once it is entered, and still have it after a reload (localStorage).
//
//   node dashboard.mjs http://127.0.0.1:8080/ target/screenshots bk_…
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [url, outDir, key] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node dashboard.mjs <dashboard url> <screenshot dir>');
  process.exit(2);
}
const WAIT_MS = Number(process.env.BEACON_BROWSER_WAIT_MS || 45000);
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
mkdirSync(outDir, { recursive: true });

const result = {
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
    if (result.websocketUrls.length < 3) result.websocketUrls.push(ws.url());
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
  await page.waitForFunction(() => ['live', 'polling'].includes(document.querySelector('#conn').dataset.state), null, { timeout: WAIT_MS });
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
}

try {
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  watch(page);
  if (key) await keyEntry(page);
  else await demoMoves(page);
  await context.close();
} catch (e) {
  result.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}

console.log(JSON.stringify(result));
process.exit(result.error ? 1 : 0);
