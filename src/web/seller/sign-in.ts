import { csrfField, formError, textField, type FieldError } from '../components.ts';
import { html, type Html } from '../html.ts';
import type { Role } from '../../../db/schema/users.ts';
import { HOME_OF_ROLE } from '../../plugins/web/web-app.ts';
import { BASE } from './shell.ts';

export function signInBody(opts: { phone?: string; error?: FieldError; next?: string }): Html {
  return html`<h1>Đăng nhập</h1>
<p class="lead">Dành cho hợp tác xã, hộ sản xuất và doanh nghiệp bán trên Postmart.</p>
${formError(opts.error, ['phone', 'password'])}
<form method="post" action="${BASE}/login" class="stack">
  ${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
  ${textField({ name: 'phone', label: 'Số điện thoại', type: 'tel', inputmode: 'tel', autocomplete: 'username', value: opts.phone, error: opts.error, required: true })}
  ${textField({ name: 'password', label: 'Mật khẩu', type: 'password', autocomplete: 'current-password', error: opts.error, required: true })}
  <button type="submit" class="btn primary block">Đăng nhập</button>
</form>`;
}

export function wrongRoleBody(csrf: string, role: Role): Html {
  const home = HOME_OF_ROLE[role];
  return html`<h1>Không dùng được ứng dụng này</h1>
<p>Ứng dụng bán hàng dành cho tài khoản quản lý của người bán. Tài khoản của bạn dùng ${home.app}.</p>
<p><a class="btn primary block" id="role-home" href="${home.href}">${home.label}</a></p>
<form method="post" action="${BASE}/logout">${csrfField(csrf)}<button class="btn block" type="submit">Đăng xuất</button></form>`;
}
