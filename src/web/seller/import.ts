import { card, csrfField, type FieldError } from '../components.ts';
import { html, type Html } from '../html.ts';
import { BASE } from './shell.ts';
import type { ImportResult } from './types.ts';

export function importBody(csrf: string, report: ImportResult | null, error?: FieldError): Html {
  return html`<p class="back"><a href="${BASE}/products">‹ Sản phẩm</a></p>
<h1>Nhập sản phẩm từ tệp CSV</h1>
<p>Dòng đầu là tên cột: <code>sku, name, category, unit, priceVnd, weightGrams, originWardCode</code> (bắt buộc) và các cột khác của sản phẩm. Sản phẩm trùng mã SKU được cập nhật.</p>
${error ? html`<p class="flash error" role="alert">${error.message}</p>` : ''}
<form method="post" action="${BASE}/import" enctype="multipart/form-data" class="stack">
  ${csrfField(csrf)}
  <label for="csv-file">Tệp CSV (UTF-8)</label>
  <input id="csv-file" type="file" name="file" accept=".csv,text/csv" required>
  <button type="submit" class="btn primary block">Nhập</button>
</form>
${report
  ? card(
      'Kết quả',
      html`<p id="import-summary">${report.rows} dòng: ${report.created} thêm mới, ${report.updated} cập nhật, ${report.unchanged} không đổi, ${report.rejected.length} bị từ chối.</p>
      ${report.rejected.length
        ? html`<div class="scroll"><table id="import-report"><caption>Các dòng bị từ chối</caption>
          <thead><tr><th scope="col">Dòng</th><th scope="col">SKU</th><th scope="col">Cột</th><th scope="col">Lý do</th></tr></thead>
          <tbody>${report.rejected.map((r) => html`<tr><td class="num">${r.line}</td><td>${r.sku ?? ''}</td><td>${r.field ?? ''}</td><td>${r.message}</td></tr>`)}</tbody>
        </table></div>`
        : ''}`,
      { id: 'import-result' },
    )
  : ''}`;
}
