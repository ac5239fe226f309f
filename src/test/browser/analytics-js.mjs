// Segment's analytics.js (@segment/analytics-next, as pinned in package-lock.json, its own UMD
// build unchanged) in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// loaded as a site loads it with only its CDN pointed at Beacon:
// AnalyticsBrowser.load({ writeKey, cdnURL: beacon }). The page is served from another origin
// (a port of its own), so every call to Beacon is cross-origin. The visit: a landing page whose
// URL carries UTM tags (analytics.js turns them into context.campaign itself), a page view and a
// product view while anonymous, an identify, and the Order Completed.
//
//   node analytics-js.mjs --beacon http://127.0.0.1:8080 --write-key KEY --user-id ann \
//     --campaign C --order-id O --revenue 129.9 [--batching]
//
// --batching: analytics.js's batching delivery strategy (one POST /v1/b) instead of one POST per call.
// The last line printed is one JSON object: the library's version, per call what analytics.js
// reported (its messageId, anonymousId, and the delivery failure if any), every request the page
// made to Beacon (method, path, status, Content-Type, whether an Authorization header went, the
// body's writeKey) and any request that went anywhere else (none may: the test asserts it).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: options } = parseArgs({
  options: {
    beacon: { type: 'string' },
    'write-key': { type: 'string' },
    'user-id': { type: 'string' },
    campaign: { type: 'string' },
    'order-id': { type: 'string' },
    revenue: { type: 'string' },
    batching: { type: 'boolean', default: false },
  },
});
for (const name of ['beacon', 'write-key', 'user-id', 'campaign', 'order-id', 'revenue']) {
  if (!options[name]) {
    console.log(JSON.stringify({ error: `--${name} is required` }));
    process.exit(2);
  }
}

const SHOPPER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const require = createRequire(import.meta.url);
const packageJson = require.resolve('@segment/analytics-next/package.json');
const version = JSON.parse(readFileSync(packageJson, 'utf8')).version;
const library = readFileSync(packageJson.replace(/package\.json$/, 'dist/umd/index.js'));

// the shop's site: the landing page and the library, as a site would host its bundle
const site = createServer((request, response) => {
  if (request.url === '/analytics-next.js') {
    response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(library);
  } else if (request.url.startsWith('/spring')) {
    response.writeHead(200, { 'Content-Type': 'text/html' })
      .end('<!doctype html><title>Spring sale</title><h1>Spring sale</h1><script src="/analytics-next.js"></script>');
  } else {
    response.writeHead(404).end();
  }
});
await new Promise((ready) => site.listen(0, '127.0.0.1', ready));
const siteOrigin = `http://127.0.0.1:${site.address().port}`;
const beaconOrigin = new URL(options.beacon).origin;
const landing = `${siteOrigin}/spring?utm_source=newsletter&utm_medium=email&utm_campaign=${encodeURIComponent(options.campaign)}`;

const result = { library: version, siteOrigin, calls: [], requests: [], elsewhere: [], error: null };
const browser = await chromium.launch({ executablePath: process.env.BEACON_CHROMIUM || '/usr/bin/chromium' });
try {
  // a shopper's Chrome: Beacon takes HeadlessChrome for a bot (invalid traffic) and keeps it out of journeys
  const context = await browser.newContext({ userAgent: SHOPPER_AGENT });
  // nothing may leave for Segment's CDN or API: such a request is noted and goes nowhere
  await context.route((url) => url.origin !== siteOrigin && url.origin !== beaconOrigin, (route) => {
    result.elsewhere.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  // every request to Beacon is counted when made, and noted with its answer when that is in
  let started = 0;
  let noted = () => {};
  const note = (entry) => {
    result.requests.push(entry);
    noted();
  };
  page.on('request', (request) => {
    if (new URL(request.url()).origin === beaconOrigin) started += 1;
  });
  page.on('requestfinished', async (request) => {
    if (new URL(request.url()).origin !== beaconOrigin) return;
    const response = await request.response();
    const headers = await request.allHeaders();
    let writeKey = null;
    try {
      writeKey = JSON.parse(request.postData() ?? 'null')?.writeKey ?? null;
    } catch {
      writeKey = null;
    }
    note({
      method: request.method(), path: new URL(request.url()).pathname, status: response?.status() ?? null,
      contentType: headers['content-type'] ?? null, authorization: 'authorization' in headers, writeKey,
      allowOrigin: (await response?.allHeaders())?.['access-control-allow-origin'] ?? null,
    });
  });
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).origin === beaconOrigin) {
      note({ method: request.method(), path: new URL(request.url()).pathname, status: null,
        failure: request.failure()?.errorText ?? null });
    }
  });
  await page.goto(landing, { waitUntil: 'load' });

  result.calls = await page.evaluate(async ({ beacon, writeKey, userId, orderId, revenue, batching }) => {
    const loadOptions = batching
      ? { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching', config: { size: 4, timeout: 1000 } } } } }
      : {};
    const [analytics] = await window.AnalyticsNext.AnalyticsBrowser.load({ writeKey, cdnURL: beacon }, loadOptions);
    const product = { product_id: 'sku-42', name: 'Trail shoe', price: revenue, quantity: 1 };
    const calls = [
      () => analytics.page(),
      () => analytics.track('Product Viewed', product),
      () => analytics.identify(userId, { plan: 'member' }),
      () => analytics.track('Order Completed', { order_id: orderId, revenue, currency: 'USD', products: [product] }),
    ];
    // one call after the other, as a shopper makes them; batched, they go together when the fourth is made
    const contexts = [];
    if (batching) {
      contexts.push(...(await Promise.all(calls.map((call) => call()))));
    } else {
      for (const call of calls) contexts.push(await call());
    }
    return contexts.map((ctx) => ({
      type: ctx.event.type, event: ctx.event.event ?? null, messageId: ctx.event.messageId,
      anonymousId: ctx.event.anonymousId ?? null, userId: ctx.event.userId ?? null,
      campaign: ctx.event.context?.campaign ?? null,
      failure: ctx.failedDelivery() ? String(ctx.failedDelivery().reason) : null,
    }));
  }, { beacon: options.beacon, writeKey: options['write-key'], userId: options['user-id'], orderId: options['order-id'],
    revenue: Number(options.revenue), batching: options.batching });

  // analytics.js has its answers; playwright's events about them may trail
  while (result.requests.length < started) await new Promise((wake) => { noted = wake; });
  await context.close();
} catch (e) {
  result.error = String(e?.stack ?? e);
} finally {
  await browser.close();
  site.close();
}

console.log(JSON.stringify(result));
process.exit(result.error ? 1 : 0);
