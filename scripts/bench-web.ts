/**
 * npm run bench:web — Lighthouse (mobile emulation, simulated slow 4G) on the sellers' app of a
 * running server (`npm start`), signed in as the demo seller: performance, accessibility and best
 * practices scores, and the JS + CSS transferred on first load, for the product list, the product
 * form and the order list.
 *
 * Targets (issue 12): performance ≥ 90, accessibility ≥ 95, best practices ≥ 95, JS + CSS ≤ 150 KB.
 * Exits 0 when measured (it is a measurement; a missed target is printed, not thrown), non-zero
 * when the server cannot be reached or the sign-in fails.
 *
 * Environment: BENCH_WEB_URL (default http://127.0.0.1:$PORT, PORT 3000), BENCH_WEB_PHONE and
 * BENCH_WEB_PASSWORD (default the demo seller manager), CHROME_PATH (default /usr/bin/chromium).
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const base = (process.env.BENCH_WEB_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
const phone = process.env.BENCH_WEB_PHONE ?? '0900000003';
const password = process.env.BENCH_WEB_PASSWORD ?? 'demo-seller-2026';
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENS = [
  { name: 'product list', path: '/app/products' },
  { name: 'product form', path: '/app/products/new' },
  { name: 'order list', path: '/app/orders' },
];
const TARGETS = { performance: 90, accessibility: 95, 'best-practices': 95, kb: 150 };

/** Signs in through the app's own form and returns the session cookie. */
async function signIn(): Promise<string> {
  const res = await fetch(`${base}/app/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ phone, password }).toString(),
  }).catch((err: Error) => {
    throw new Error(`cannot reach ${base} (${err.message}); start the service with npm start first`);
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dtpc_app='));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in as ${phone} failed: HTTP ${res.status}`);
  return cookie.split(';')[0]!;
}

type Row = { screen: string; performance: number; accessibility: number; bestPractices: number; jsCssKb: number; failing: string[] };

async function main(): Promise<void> {
  const cookie = await signIn();
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: FLAGS });
  const rows: Row[] = [];
  try {
    for (const screen of SCREENS) {
      const result = await lighthouse(`${base}${screen.path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        extraHeaders: { Cookie: cookie },
      });
      if (!result) throw new Error(`no Lighthouse result for ${screen.path}`);
      const { categories, audits } = result.lhr;
      const summary = (audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] } | undefined)?.items ?? [];
      const bytes = summary.filter((i) => i.resourceType === 'script' || i.resourceType === 'stylesheet').reduce((s, i) => s + i.transferSize, 0);
      const score = (k: string) => Math.round((categories[k]?.score ?? 0) * 100);
      // Audits that cost points, to know what to fix when a score drops.
      const failing = Object.values(audits)
        .filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode === 'binary')
        .map((a) => a.id);
      rows.push({ screen: screen.name, performance: score('performance'), accessibility: score('accessibility'), bestPractices: score('best-practices'), jsCssKb: Math.round(bytes / 102.4) / 10, failing });
    }
  } finally {
    chrome.kill();
  }
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(`Lighthouse ${'12.2.3'} · mobile emulation · ${base}`);
  console.log(`${pad('screen', 14)}${pad('perf', 6)}${pad('a11y', 6)}${pad('best', 6)}JS+CSS (KB, transferred)`);
  for (const r of rows) {
    const miss = [r.performance < TARGETS.performance && 'perf', r.accessibility < TARGETS.accessibility && 'a11y', r.bestPractices < TARGETS['best-practices'] && 'best', r.jsCssKb > TARGETS.kb && 'bytes'].filter(Boolean);
    console.log(`${pad(r.screen, 14)}${pad(r.performance, 6)}${pad(r.accessibility, 6)}${pad(r.bestPractices, 6)}${pad(r.jsCssKb, 8)}${miss.length ? ` below target: ${miss.join(', ')}` : ' ✓'}${r.failing.length ? `  (failing audits: ${r.failing.join(', ')})` : ''}`);
  }
  console.log(`targets: performance ≥ ${TARGETS.performance}, accessibility ≥ ${TARGETS.accessibility}, best practices ≥ ${TARGETS['best-practices']}, JS + CSS ≤ ${TARGETS.kb} KB`);
}

main().catch((err: Error) => {
  console.error(`[bench:web] ${err.message}`);
  process.exit(1);
});
