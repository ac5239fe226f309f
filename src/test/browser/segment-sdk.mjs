// Sends one shopper's visit to Beacon with Segment's own Node SDK (@segment/analytics-node, as
// pinned in package-lock.json), configured as a site would: a write key, Beacon as the host and
// flush settings, nothing else. The visit: an anonymous page view landing from a campaign, an
// anonymous product view, an identify that links the anonymous id to the user id, and the
// user's Order Completed with the same campaign. Every id, the messageIds included, comes from
// the options, so a second run sends the very same events again.
//
//   node segment-sdk.mjs --host http://127.0.0.1:8080 --write-key KEY --anonymous-id A --user-id U \
//     --campaign C --order-id O --revenue 129.9 --run R --at 2026-01-01T10:00:00Z [--max-retries 5]
//
// The last line printed is one JSON object: per event its messageId and whether the SDK reported
// it delivered (with its error when not), and every HTTP attempt the SDK made (its status, null
// when no answer came, and its X-Retry-Count), so a test can tell a retried batch from a single one.
import { Analytics } from '@segment/analytics-node';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    host: { type: 'string' },
    'write-key': { type: 'string' },
    'anonymous-id': { type: 'string' },
    'user-id': { type: 'string' },
    campaign: { type: 'string' },
    'order-id': { type: 'string' },
    revenue: { type: 'string' },
    run: { type: 'string' },
    at: { type: 'string' },
    'max-retries': { type: 'string', default: '5' },
  },
});
for (const name of ['host', 'write-key', 'anonymous-id', 'user-id', 'campaign', 'order-id', 'revenue', 'run', 'at']) {
  if (!options[name]) {
    console.log(JSON.stringify({ error: `--${name} is required` }));
    process.exit(2);
  }
}

const analytics = new Analytics({
  writeKey: options['write-key'],
  host: options.host,
  // one batch for the whole visit, sent by closeAndFlush; retried as the SDK retries
  flushAt: 20,
  flushInterval: 60_000,
  maxRetries: Number(options['max-retries']),
});

const attempts = [];
analytics.on('http_request', (request) => {
  attempts.push({ retryCount: Number(request.headers['X-Retry-Count'] ?? 0), status: null });
});
analytics.on('http_response', (response) => {
  attempts[attempts.length - 1].status = response.status;
});
const errors = [];
analytics.on('error', (error) => {
  errors.push({ code: error.code, reason: String(error.reason?.message ?? error.reason) });
});

const start = Date.parse(options.at);
const at = (seconds) => new Date(start + seconds * 1000);
const run = options.run;
const campaign = {
  name: options.campaign,
  source: 'newsletter',
  medium: 'email',
  content: 'hero-banner',
};
const landing = `https://shop.example/spring?utm_source=newsletter&utm_medium=email&utm_campaign=${encodeURIComponent(options.campaign)}`;
const page = {
  url: landing,
  path: '/spring',
  title: 'Spring sale',
  referrer: 'https://mail.example/inbox',
};
const revenue = Number(options.revenue);
const product = { product_id: 'sku-42', sku: 'SKU-42', name: 'Trail shoe', price: revenue, quantity: 1, category: 'Shoes' };

const events = [];
// Calls the SDK's method with the event, and keeps what the SDK reports for it.
function send(method, event) {
  const sent = { type: method, event: event.event ?? null, messageId: event.messageId, delivered: null, error: null };
  events.push(sent);
  return new Promise((resolve) => {
    analytics[method](event, (error) => {
      sent.delivered = !error;
      sent.error = error ? String(error.message ?? error) : null;
      resolve();
    });
  });
}

let failure = null;
try {
  const delivered = Promise.all([
    send('page', {
      messageId: `${run}-page`,
      anonymousId: options['anonymous-id'],
      name: 'Spring sale',
      properties: { ...page },
      context: { campaign, page },
      timestamp: at(0),
    }),
    send('track', {
      messageId: `${run}-product`,
      anonymousId: options['anonymous-id'],
      event: 'Product Viewed',
      properties: { ...product },
      context: { campaign, page },
      timestamp: at(20),
    }),
    send('identify', {
      messageId: `${run}-identify`,
      userId: options['user-id'],
      anonymousId: options['anonymous-id'],
      traits: { email: `${options['user-id']}@shop.example`, plan: 'member' },
      timestamp: at(40),
    }),
    send('track', {
      messageId: `${run}-order`,
      userId: options['user-id'],
      event: 'Order Completed',
      properties: { order_id: options['order-id'], revenue, currency: 'USD', products: [product] },
      context: { campaign },
      timestamp: at(60),
    }),
  ]);
  await analytics.closeAndFlush();
  await delivered;
} catch (e) {
  failure = String(e?.stack ?? e);
}

console.log(JSON.stringify({ sdk: analytics.VERSION, events, attempts, errors, error: failure }));
process.exit(failure ? 1 : 0);
