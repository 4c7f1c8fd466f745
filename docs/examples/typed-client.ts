/**
 * The README's API tour as typed calls. Generate the types from the running API first:
 *
 *   npx openapi-typescript http://127.0.0.1:3000/openapi.json -o docs/examples/api.ts
 *
 * test/openapi-client.test.ts generates them from the app's own document and type-checks this
 * file with tsc, so a route whose schema drifts from these calls fails the suite. The
 * `@ts-expect-error` lines are calls the document must refuse; tsc fails if they type-check.
 */
import createClient from 'openapi-fetch';
import type { paths } from './api.ts';

export async function apiTour(baseUrl: string, csvFile: string) {
  const api = createClient<paths>({ baseUrl });

  const login = await api.POST('/v1/auth/login', { body: { phone: '0900000003', password: 'demo-seller-2026' } });
  if (!login.data) throw new Error(login.error?.error.message);
  const token: string = login.data.token;
  api.use({ onRequest: ({ request }) => void request.headers.set('authorization', `Bearer ${token}`) });

  const me = await api.GET('/v1/me');
  const communes = await api.GET('/v1/communes', { params: { query: { q: 'lai vung' } } });
  // `limit` has a server default, so it may be left out.
  const search = await api.GET('/v1/products', { params: { query: { q: 'xoai cat', limit: 20 } } });
  const firstPage = await api.GET('/v1/products', { params: { query: {} } });
  const next: string | null | undefined = firstPage.data?.nextCursor;

  const created = await api.POST('/v1/products', {
    body: {
      sku: 'XOAI-TU-QUY', name: 'Xoài tứ quý', category: 'fruit', unit: 'kg', priceVnd: 45000,
      stock: 50, weightGrams: 1000, originWardCode: '30112', status: 'active',
    },
  });
  const id = created.data!.id;
  await api.POST('/v1/products/{id}/stock', { params: { path: { id } }, body: { delta: -5, reason: 'Hàng dập' } });
  const ledger = await api.GET('/v1/products/{id}/stock-movements', { params: { path: { id } } });
  const changed = await api.PATCH('/v1/products/{id}', { params: { path: { id }, header: { 'if-match': '2' } }, body: { priceVnd: 48000 } });
  const version: number | undefined = changed.data?.version;
  await api.DELETE('/v1/products/{id}', { params: { path: { id } } });

  const imported = await api.POST('/v1/products/import', {
    body: csvFile,
    headers: { 'content-type': 'text/csv' },
    bodySerializer: (csv) => csv,
  });
  const rejected = imported.data?.rejected;

  const sales = await api.GET('/v1/reports/sales', { params: { query: { from: '2026-11-01', to: '2026-11-30', groupBy: 'commune' } } });
  const overviewCsv = await api.GET('/v1/reports/overview', { params: { query: { format: 'csv' } }, parseAs: 'text' });

  // Calls the document refuses.
  // @ts-expect-error groupBy is one of the documented groupings
  await api.GET('/v1/reports/sales', { params: { query: { from: '2026-11-01', to: '2026-11-30', groupBy: 'buyer' } } });
  // @ts-expect-error a product needs its sku and the rest of the required fields
  await api.POST('/v1/products', { body: { name: 'Xoài' } });
  // @ts-expect-error there is no such route
  await api.GET('/v1/product');

  return { me: me.data, communes: communes.data?.items, search: search.data?.items, next, ledger: ledger.data?.items, version, rejected, sales: sales.data, overviewCsv: overviewCsv.data };
}
