import { card, csrfField, formError, hidden, selectField, textArea, textField, type FieldError } from '../components.ts';
import { num, vnDate, vnDateTime } from '../format.ts';
import { html, type Html } from '../html.ts';
import { CATEGORY_LABELS, CERTIFICATION_LABELS, NOT_SELLABLE_LABELS, PRODUCT_STATUS_LABELS, UNIT_LABELS, labelOf } from '../labels.ts';
import { listingBadge } from './products.ts';
import { BASE } from './shell.ts';
import type { ListingView, ProductImageView, ProductView } from './types.ts';

/** Certificate rows the form always offers (filled ones plus blanks up to this many). */
export const CERT_ROWS = 3;

/** What the form shows: the posted strings after a refused save, else the product's values. */
export type ProductFormValues = Record<string, string>;

export function valuesOf(p: ProductView | null): ProductFormValues {
  if (!p) return { status: 'draft', unit: 'kg', category: 'fruit', stock: '0' };
  const v: ProductFormValues = {
    sku: p.sku,
    name: p.name,
    description: p.description,
    category: p.category,
    unit: p.unit,
    priceVnd: num(p.priceVnd),
    stock: String(p.stock),
    weightGrams: String(p.weightGrams),
    originWardCode: p.originWardCode,
    shelfLifeDays: p.shelfLifeDays === null ? '' : String(p.shelfLifeDays),
    harvestFrom: p.harvestFrom ?? '',
    harvestTo: p.harvestTo ?? '',
    status: p.status,
  };
  p.certifications.forEach((c, i) => {
    v[`certifications[${i}].type`] = c.type;
    v[`certifications[${i}].number`] = c.number;
    v[`certifications[${i}].issuedAt`] = c.issuedAt;
    v[`certifications[${i}].expiresAt`] = c.expiresAt;
  });
  return v;
}

export const FORM_FIELDS = [
  'sku', 'name', 'description', 'category', 'unit', 'priceVnd', 'stock', 'weightGrams', 'originWardCode', 'shelfLifeDays', 'harvestFrom', 'harvestTo', 'status',
  ...Array.from({ length: CERT_ROWS }, (_, i) => ['type', 'number', 'issuedAt', 'expiresAt'].map((k) => `certifications[${i}].${k}`)).flat(),
] as const;

function certificateRows(v: ProductFormValues, error: FieldError, count: number): Html {
  const rows = Math.max(CERT_ROWS, count);
  return html`<fieldset class="certs"><legend>Chứng nhận (VietGAP, OCOP…)</legend>
  ${Array.from({ length: rows }, (_, i) => {
    const n = (k: string) => `certifications[${i}].${k}`;
    return html`<div class="cert">
      <p class="cert-title">Chứng nhận ${i + 1}</p>
      ${selectField({ name: n('type'), label: 'Loại chứng nhận', value: v[n('type')], options: CERTIFICATION_LABELS, blank: '— Không có —', error })}
      ${textField({ name: n('number'), label: 'Số chứng nhận', value: v[n('number')], error })}
      <div class="two">
        ${textField({ name: n('issuedAt'), label: 'Ngày cấp', type: 'date', value: v[n('issuedAt')], error })}
        ${textField({ name: n('expiresAt'), label: 'Ngày hết hạn', type: 'date', value: v[n('expiresAt')], error })}
      </div>
    </div>`;
  })}
</fieldset>`;
}

export function productForm(opts: {
  product: ProductView | null;
  values: ProductFormValues;
  error?: FieldError;
  communes: { code: string; fullName: string }[];
  csrf: string;
  /**
   * Where the form posts (`<base>/products/new`, `<base>/products/:id`): the sellers' app by
   * default; the counter's guided onboarding posts to `/counter/farmers/:sellerId`.
   */
  base?: string;
}): Html {
  const { product, values: v, error } = opts;
  const base = opts.base ?? BASE;
  const editing = product !== null;
  const certCount = Object.keys(v).filter((k) => /^certifications\[\d+\]\.type$/.test(k)).length;
  return html`${formError(error, FORM_FIELDS)}
<form method="post" action="${editing ? `${base}/products/${product.id}` : `${base}/products/new`}" class="stack product-form" novalidate data-once>
  ${csrfField(opts.csrf)}${editing ? hidden('version', String(product.version)) : ''}
  ${textField({ name: 'name', label: 'Tên sản phẩm', value: v.name, error, required: true, maxlength: 200 })}
  ${textField({ name: 'sku', label: 'Mã sản phẩm (SKU)', value: v.sku, error, required: true, hint: 'Chữ không dấu, số, dấu . _ -, ví dụ XOAI-CAT-1KG', autocomplete: 'off' })}
  <div class="two">
    ${selectField({ name: 'category', label: 'Loại hàng', value: v.category, options: CATEGORY_LABELS, error, required: true })}
    ${selectField({ name: 'unit', label: 'Đơn vị bán', value: v.unit, options: UNIT_LABELS, error, required: true })}
  </div>
  <div class="two">
    ${textField({ name: 'priceVnd', label: 'Giá bán (₫)', value: v.priceVnd, inputmode: 'numeric', error, required: true, hint: 'Cho một đơn vị' })}
    ${editing
      ? html`<div class="field"><span class="label">Tồn kho</span><p class="static">${v.stock}</p><small class="hint">Sửa ở danh sách sản phẩm</small></div>`
      : textField({ name: 'stock', label: 'Tồn kho ban đầu', value: v.stock, inputmode: 'numeric', error })}
  </div>
  ${textField({ name: 'weightGrams', label: 'Khối lượng gửi hàng (gam)', value: v.weightGrams, inputmode: 'numeric', error, required: true, hint: 'Của một đơn vị, kể cả bao bì' })}
  ${selectField({
    name: 'originWardCode',
    label: 'Xã/phường nơi sản xuất',
    value: v.originWardCode,
    options: Object.fromEntries(opts.communes.map((c) => [c.code, c.fullName])),
    blank: '— Chọn xã/phường —',
    error,
    required: true,
  })}
  ${textArea({ name: 'description', label: 'Mô tả', value: v.description, error, hint: 'Giống, cách trồng, cách bảo quản…' })}
  <fieldset><legend>Mùa thu hoạch</legend>
    <div class="two">
      ${textField({ name: 'harvestFrom', label: 'Từ ngày', type: 'date', value: v.harvestFrom, error })}
      ${textField({ name: 'harvestTo', label: 'Đến ngày', type: 'date', value: v.harvestTo, error })}
    </div>
    <small class="hint">Để trống nếu bán quanh năm. Ngoài mùa, sản phẩm tạm ẩn trên Postmart.</small>
  </fieldset>
  ${textField({ name: 'shelfLifeDays', label: 'Hạn sử dụng (ngày)', value: v.shelfLifeDays, inputmode: 'numeric', error, hint: 'Từ 7 ngày trở xuống: ưu tiên bưu cục có kho lạnh' })}
  ${certificateRows(v, error, certCount)}
  ${selectField({ name: 'status', label: 'Trạng thái', value: v.status, options: PRODUCT_STATUS_LABELS, error, hint: '«Đang bán» thì được đăng lên Postmart' })}
  <button type="submit" class="btn primary block">${editing ? 'Lưu thay đổi' : 'Thêm sản phẩm'}</button>
</form>`;
}

export function listingCard(l: ListingView | null, productId: string, csrf: string, base = BASE): Html {
  if (!l) return html``;
  const reasons = [
    l.rejectReason ? `Postmart từ chối: ${l.rejectReason}` : null,
    l.lastError ? `${l.lastError.message} (${vnDateTime(l.lastError.at)})` : null,
    ...l.notSellableReasons.map((r) => labelOf(NOT_SELLABLE_LABELS, r)),
  ].filter((x): x is string => x !== null);
  return card(
    'Trên Postmart',
    html`<p>${listingBadge(l.status)}${l.lastSyncedAt ? html` <span class="meta">Đồng bộ lúc ${vnDateTime(l.lastSyncedAt)}</span>` : ''}</p>
    ${reasons.length ? html`<ul class="reasons">${reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
    <form method="post" action="${base}/products/${productId}/resync" data-once>${csrfField(csrf)}<button type="submit" class="btn block">Đồng bộ lại</button></form>`,
    { id: 'listing' },
  );
}

/**
 * Photos: the phone's camera or gallery (capture="environment" opens the back camera), sent to
 * POST /v1/products/:id/images through the app; the server turns them upright and strips location
 * data before anything reaches Postmart. Each photo can be made the cover or removed. Without the
 * images endpoint's list (`images` null), the product's image URLs are shown as they are.
 */
export function photosCard(p: ProductView, images: ProductImageView[] | null, csrf: string, error?: FieldError, base = BASE): Html {
  const shown = images ?? p.images.map((url, i) => ({ id: '', url, thumbnailUrl: url, position: i }));
  return card(
    'Ảnh sản phẩm',
    html`${shown.length === 0 ? html`<p class="empty">Chưa có ảnh. Postmart cần ít nhất một ảnh để đăng sản phẩm.</p>` : ''}
    <ul class="photos">${shown.map(
      (img, i) => html`<li>
        <img src="${img.thumbnailUrl}" alt="Ảnh ${i + 1} của ${p.name}${i === 0 ? ' (ảnh bìa)' : ''}" width="96" height="96" loading="lazy" decoding="async">
        ${img.id
          ? html`<div class="photo-actions">
          ${i > 0 ? html`<form method="post" action="${base}/products/${p.id}/images/${img.id}/cover">${csrfField(csrf)}<button type="submit" class="btn small">Làm ảnh bìa<span class="sr-only"> ảnh ${i + 1}</span></button></form>` : html`<span class="badge ok">Ảnh bìa</span>`}
          <form method="post" action="${base}/products/${p.id}/images/${img.id}/delete">${csrfField(csrf)}<button type="submit" class="btn small danger">Xóa<span class="sr-only"> ảnh ${i + 1}</span></button></form>
        </div>`
          : ''}
      </li>`,
    )}</ul>
    ${error ? html`<p class="error" role="alert">${error.message}</p>` : ''}
    <form method="post" action="${base}/products/${p.id}/images" enctype="multipart/form-data" class="stack" data-once>
      ${csrfField(csrf)}
      <label for="photo-file">Chụp hoặc chọn ảnh (JPEG, PNG, WebP; tối đa 15 MB, 10 ảnh)</label>
      <input id="photo-file" type="file" name="file" accept="image/jpeg,image/png,image/webp" capture="environment" multiple data-max-mb="15">
      <button type="submit" class="btn block">Tải ảnh lên</button>
    </form>`,
    { id: 'photos' },
  );
}

export function productPageBody(opts: {
  product: ProductView;
  images: ProductImageView[] | null;
  listing: ListingView | null;
  form: Html;
  csrf: string;
  photoError?: FieldError;
}): Html {
  const p = opts.product;
  return html`<p class="back"><a href="${BASE}/products">‹ Sản phẩm</a></p>
<h1>${p.name}</h1>
<p class="meta">Cập nhật ${vnDate(p.updatedAt)} · phiên bản ${p.version}</p>
${listingCard(opts.listing, p.id, opts.csrf)}
${photosCard(p, opts.images, opts.csrf, opts.photoError)}
${card('Thông tin sản phẩm', opts.form, { id: 'details' })}`;
}
