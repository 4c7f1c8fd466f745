import type { Flash } from '../../plugins/web/web-app.ts';
import { OUTLET_FLASH } from './outlet-flash.ts';

export const BASE = '/counter';
export const APP_NAME = 'Quầy Bưu điện · Nông sản Đồng Tháp';

export const NAV = [
  { key: 'day', href: `${BASE}/`, label: 'Hôm nay' },
  { key: 'scan', href: `${BASE}/scan`, label: 'Quét mã' },
  { key: 'returns', href: `${BASE}/returns`, label: 'Hoàn trả' },
  { key: 'cash', href: `${BASE}/cash`, label: 'Sổ tiền' },
  { key: 'outlet', href: `${BASE}/sell`, label: 'Ký gửi' },
  { key: 'farmers', href: `${BASE}/farmers`, label: 'Nông dân' },
] as const;

/** Messages after a redirect, chosen by a key in the URL so nothing typed in the address bar is shown. */
export const FLASH: Record<string, Flash> = {
  received: { kind: 'ok', text: 'Đã nhận bưu gửi từ người bán.' },
  received_flagged: { kind: 'ok', text: 'Đã nhận bưu gửi; khối lượng lệch đã được báo cho người bán.' },
  collected: { kind: 'ok', text: 'Đã giao bưu gửi cho người mua.' },
  returned: { kind: 'ok', text: 'Đã ghi nhận trả bưu gửi cho người bán.' },
  unlocked: { kind: 'ok', text: 'Đã mở khóa nhận hàng sau khi kiểm tra giấy tờ.' },
  closed: { kind: 'ok', text: 'Đã chốt sổ tiền trong ngày.' },
  point: { kind: 'ok', text: 'Đã chọn bưu cục.' },
  signed_out: { kind: 'ok', text: 'Bạn đã đăng xuất.' },
  ...OUTLET_FLASH,
  onboarded: { kind: 'ok', text: 'Đã lưu nông dân và giấy ủy quyền. Giờ thêm sản phẩm đầu tiên.' },
  scan_saved: { kind: 'ok', text: 'Đã lưu ảnh giấy ủy quyền.' },
  authorization_revoked: { kind: 'ok', text: 'Đã thu hồi giấy ủy quyền; bưu cục không còn làm thay cho người bán này.' },
  product_created: { kind: 'ok', text: 'Đã thêm sản phẩm. Chụp ảnh sản phẩm để đăng lên Postmart.' },
  photo: { kind: 'ok', text: 'Đã tải ảnh lên.' },
  photo_removed: { kind: 'ok', text: 'Đã xóa ảnh.' },
  photo_cover: { kind: 'ok', text: 'Đã đổi ảnh bìa.' },
  resync: { kind: 'ok', text: 'Đã yêu cầu đồng bộ lại với Postmart.' },
  shop_connected: { kind: 'ok', text: 'Đã kết nối gian hàng Postmart của nông dân: sản phẩm có ảnh sẽ lên sàn.' },
  onboard_done: { kind: 'ok', text: 'Xong: nông dân đã được đăng ký, bưu cục làm thay theo giấy ủy quyền này.' },
};
