import { api, ApiError, downloadCsv, token } from './api.js';
import { barChart, doughnutChart, timeChart } from './charts.js';
import { ROLE_LABELS, STATUS_LABELS, vnDay } from './format.js';
import { counterTables, date, dateTime, h, kpis, num, salesTable, syncFigures, table, vnd } from './render.js';

const $ = (id) => document.getElementById(id);
const state = { me: null, from: vnDay(-29), to: vnDay(0) };

/** Days → day bars, up to a year → weeks, longer → months: a chart stays readable on a phone. */
function timeGrouping(from, to) {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  return days <= 62 ? 'day' : days <= 366 ? 'week' : 'month';
}
const salesUrl = (groupBy) => `/v1/reports/sales?from=${state.from}&to=${state.to}&groupBy=${groupBy}`;
/** Sellers the post offices act for under an authorization, by office or by the seller's commune. */
const assistedUrl = (groupBy) => `/v1/reports/assisted-sellers?from=${state.from}&to=${state.to}&groupBy=${groupBy}`;

/**
 * Roles whose work is in another app: they get a clear way there, never a page of reports their
 * role may not read (a clerk here used to see "Đang tải…" forever, with five 403s behind it).
 */
const ELSEWHERE = {
  post_office_clerk: {
    title: 'Tài khoản bưu điện dùng ứng dụng quầy',
    text: 'Trang theo dõi dành cho cán bộ tỉnh và người bán. Nhân viên bưu điện nhận, giao, hoàn trả bưu gửi và chốt sổ tiền trong ngày trên ứng dụng quầy.',
    href: '/counter/',
    label: 'Mở ứng dụng quầy bưu điện',
  },
};

function show(view) {
  $('login').hidden = view !== 'login';
  $('dashboard').hidden = view !== 'dashboard';
  $('elsewhere').hidden = view !== 'elsewhere';
  $('who').hidden = view === 'login';
}

async function login(ev) {
  ev.preventDefault();
  const form = new FormData(ev.target);
  $('login-error').hidden = true;
  try {
    const { token: t } = await api('/v1/auth/login', { method: 'POST', body: { phone: form.get('phone'), password: form.get('password') } });
    token.set(t);
    await start();
  } catch (err) {
    $('login-error').textContent = err.message;
    $('login-error').hidden = false;
  }
}

function logout() {
  token.clear();
  state.me = null;
  show('login');
}

async function load() {
  $('status').textContent = 'Đang tải…';
  const grouping = timeGrouping(state.from, state.to);
  const [time, communes, categories, sellers, overview, outlets, assistedByPoint, assistedByCommune] = await Promise.all([
    api(salesUrl(grouping)),
    api(salesUrl('commune')),
    api(salesUrl('category')),
    api(salesUrl('seller')),
    api('/v1/reports/overview'),
    // Counter sales of consigned goods at post offices, kept apart from Postmart's figures (issue 14).
    api(`/v1/reports/outlets?from=${state.from}&to=${state.to}&groupBy=pickupPoint`),
    api(assistedUrl('pickupPoint')),
    api(assistedUrl('commune')),
  ]);
  $('range-label').textContent = `${date(time.from)} – ${date(time.to)}`;
  $('scope').textContent = overview.scope ? overview.scope.sellerName : 'Toàn tỉnh';
  kpis($('kpis'), time, overview, outlets);
  timeChart(time.rows);
  barChart('chart-commune', communes.rows);
  salesTable($('by-commune'), 'Xã/phường', communes.rows);
  doughnutChart('chart-category', categories.rows);
  salesTable($('by-category'), 'Nhóm hàng', categories.rows);
  salesTable($('top-sellers'), 'Người bán', sellers.rows.slice(0, 10));
  table($('top-products'), [['Sản phẩm', (r) => r.name], ['Người bán', (r) => r.sellerName], ['Đã bán', (r) => num(r.units), 'num'], ['Doanh thu', (r) => vnd(r.revenueVnd), 'num']], overview.topProducts);
  table($('pickup-load'), [
    ['Bưu cục', (r) => r.label],
    ['Đơn nhận tại bưu cục', (r) => num(r.orders), 'num'],
    ['Gửi hàng / sức chứa', (r) => (r.dailyCapacity === null ? num(r.dropoffsBooked) : `${num(r.dropoffsBooked)}/${num(r.dailyCapacity)}`), 'num'],
  ], overview.pickupPointLoadToday);
  counterTables($('counter-sales'), $('consigned-stock'), outlets);
  table($('counter-cash'), [
    ['Bưu cục', (r) => `${r.name} (${r.code})`],
    ['Bưu gửi COD', (r) => num(r.parcels), 'num'],
    ['Tiền đã thu', (r) => vnd(r.cashVnd), 'num'],
  ], overview.counterCash, 'Chưa thu tiền COD tại quầy tháng này');
  const assistedColumns = (first) => [
    [first, (r) => r.label],
    ['Người bán', (r) => num(r.assistedSellers), 'num'],
    ['Còn hiệu lực', (r) => num(r.liveAuthorizations), 'num'],
    ['Đơn', (r) => num(r.orders), 'num'],
    ['Doanh thu', (r) => vnd(r.revenueVnd), 'num'],
  ];
  table($('assisted-point'), assistedColumns('Bưu cục'), assistedByPoint.rows, 'Chưa có người bán ủy quyền cho bưu cục');
  table($('assisted-commune'), assistedColumns('Xã/phường'), assistedByCommune.rows, 'Chưa có người bán ủy quyền cho bưu cục');
  renderSync(overview.syncHealth);
  if (state.me.role === 'seller_manager') await loadToPrepare();
  $('status').textContent = `Cập nhật lúc ${dateTime(overview.asOf)}`;
}

function renderSync(s) {
  syncFigures($('sync-figures'), s);
  $('listing-errors').replaceChildren(
    ...(s.listingErrors.length === 0
      ? [h('li', { class: 'muted' }, 'Không có niêm yết lỗi')]
      : s.listingErrors.map((e) =>
          h('li', {}, h('button', { type: 'button', class: 'link', dataset: { productId: e.productId }, onclick: () => showReason(e.productId).catch(failed) }, e.productName), ` — ${e.code ?? e.status}`),
        )),
  );
  $('queues-block').hidden = s.queues === null;
  if (s.queues) table($('queues'), [['Hàng đợi', (q) => q.queue], ['Chờ', (q) => num(q.waiting), 'num'], ['Đang chạy', (q) => num(q.active), 'num'], ['Hẹn giờ', (q) => num(q.delayed), 'num'], ['Lỗi', (q) => num(q.failed), 'num']], s.queues);
  table($('polls'), [['Cửa hàng', (p) => p.sellerName ?? p.shopId], ['Thành công lúc', (p) => dateTime(p.lastSuccessAt)]], s.lastPolls, 'Chưa có cửa hàng kết nối');
}

/** The listing's own state (GET /v1/products/:id/listing): the error, Postmart's rejection, why it is kept off. */
async function showReason(productId) {
  const box = $('listing-reason');
  box.hidden = false;
  box.replaceChildren(h('p', { class: 'muted' }, 'Đang tải…'));
  const l = await api(`/v1/products/${productId}/listing`);
  box.replaceChildren(
    h('h4', {}, 'Lý do'),
    h('dl', { class: 'figures' },
      h('dt', {}, 'Trạng thái'), h('dd', {}, l.status),
      h('dt', {}, 'Lỗi'), h('dd', { class: 'reason-text' }, l.lastError ? `${l.lastError.code}: ${l.lastError.message}` : 'không có'),
      h('dt', {}, 'Lúc'), h('dd', {}, l.lastError ? dateTime(l.lastError.at) : '—'),
      h('dt', {}, 'Postmart từ chối'), h('dd', {}, l.rejectReason ?? 'không'),
      h('dt', {}, 'Số lần thử'), h('dd', {}, num(l.attempts)),
      h('dt', {}, 'Chưa được bán vì'), h('dd', {}, l.notSellableReasons.join(', ') || '—'),
    ),
    h('button', { type: 'button', class: 'link', onclick: () => (box.hidden = true) }, 'Đóng'),
  );
}

async function loadToPrepare() {
  const pages = await Promise.all(['ready_to_ship', 'processed'].map((s) => api(`/v1/orders?status=${s}&limit=100`)));
  const orders = pages.flatMap((p) => p.items).sort((a, b) => (a.shipBy ?? '9').localeCompare(b.shipBy ?? '9'));
  $('prepare-card').hidden = false;
  table(
    $('prepare'),
    [['Mã đơn', (o) => o.orderSn], ['Trạng thái', (o) => STATUS_LABELS[o.status] ?? o.status], ['Đặt lúc', (o) => dateTime(o.placedAt)], ['Giao trước', (o) => dateTime(o.shipBy)], ['Bưu cục', (o) => o.postOfficeCode ?? '—'], ['Tổng tiền', (o) => vnd(o.totalAmountVnd), 'num']],
    orders,
    'Không có đơn cần chuẩn bị',
  );
}

async function csv(ev) {
  const kind = ev.target.dataset.csv;
  if (!kind) return;
  const path = kind === 'overview'
    ? '/v1/reports/overview?format=csv'
    : kind.startsWith('assisted-')
      ? `${assistedUrl(kind.slice('assisted-'.length))}&format=csv`
      : `${salesUrl(kind === 'time' ? timeGrouping(state.from, state.to) : kind)}&format=csv`;
  await downloadCsv(path);
}

async function start() {
  if (!token.get()) return show('login');
  try {
    state.me = await api('/v1/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return logout();
    throw err;
  }
  $('who-name').textContent = state.me.name;
  $('who-scope').textContent = ROLE_LABELS[state.me.role] ?? state.me.role;
  const away = ELSEWHERE[state.me.role];
  if (away) {
    $('elsewhere-title').textContent = away.title;
    $('elsewhere-text').textContent = away.text;
    $('elsewhere-link').textContent = away.label;
    $('elsewhere-link').href = away.href;
    return show('elsewhere');
  }
  $('app-link').hidden = state.me.role !== 'seller_manager';
  $('range').elements.from.value = state.from;
  $('range').elements.to.value = state.to;
  show('dashboard');
  await load();
}

function failed(err) {
  if (err instanceof ApiError && err.status === 401) return logout();
  $('status').textContent = `Lỗi: ${err.message}`;
}

$('login-form').addEventListener('submit', (ev) => login(ev).catch(failed));
$('logout').addEventListener('click', logout);
$('range').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const f = ev.target.elements;
  if (f.from.value > f.to.value) return void ($('status').textContent = 'Ngày bắt đầu phải trước ngày kết thúc');
  state.from = f.from.value;
  state.to = f.to.value;
  load().catch(failed);
});
document.addEventListener('click', (ev) => {
  if (ev.target instanceof HTMLElement && ev.target.classList.contains('csv')) csv(ev).catch(failed);
});
start().catch(failed);
