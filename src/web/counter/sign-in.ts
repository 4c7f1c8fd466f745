import type { Role } from '../../../db/schema/users.ts';
import { HOME_OF_ROLE } from '../../plugins/web/web-app.ts';
import { csrfField, formError, textField, type FieldError } from '../components.ts';
import { html, type Html } from '../html.ts';
import { BASE } from './shell.ts';

export function signInBody(opts: { phone?: string; error?: FieldError; next?: string }): Html {
  return html`<h1>Đăng nhập quầy bưu điện</h1>
<p class="lead">Dành cho nhân viên bưu điện văn hóa xã, bưu cục và điểm giao dịch.</p>
${formError(opts.error, ['phone', 'password'])}
<form method="post" action="${BASE}/login" class="stack">
  ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
  ${textField({ name: 'phone', label: 'Số điện thoại', type: 'tel', inputmode: 'tel', autocomplete: 'username', value: opts.phone, error: opts.error, required: true })}
  ${textField({ name: 'password', label: 'Mật khẩu', type: 'password', autocomplete: 'current-password', error: opts.error, required: true })}
  <button type="submit" class="btn primary block big">Đăng nhập</button>
</form>`;
}

/** A seller manager or provincial staff member in the counter app: where their own app is, never a blank page. */
export function wrongRoleBody(csrf: string, role: Role): Html {
  const home = HOME_OF_ROLE[role];
  return html`<h1>Đây là ứng dụng quầy bưu điện</h1>
<p>Ứng dụng quầy dành cho nhân viên bưu điện nhận, giao và hoàn trả bưu gửi. Tài khoản của bạn dùng ${home.app}.</p>
<p><a class="btn primary block big" id="role-home" href="${home.href}">${home.label}</a></p>
<form method="post" action="${BASE}/logout">${csrfField(csrf)}<button class="btn block" type="submit">Đăng xuất</button></form>`;
}
