export const BASE = '/app';
export const APP_NAME = 'Chợ Nông sản Đồng Tháp';

export const NAV = [
  { key: 'home', href: `${BASE}/`, label: 'Trang chủ' },
  { key: 'products', href: `${BASE}/products`, label: 'Sản phẩm' },
  { key: 'orders', href: `${BASE}/orders`, label: 'Đơn hàng' },
] as const;

/**
 * Messages after a redirect (post → redirect → get), chosen by a key in the URL so nothing a
 * visitor types in the address bar is ever shown as a message.
 */
export const FLASH: Record<string, { kind: 'ok' | 'error'; text: string }> = {
  saved: { kind: 'ok', text: 'Đã lưu sản phẩm.' },
  created: { kind: 'ok', text: 'Đã thêm sản phẩm. Hãy chụp hoặc chọn ảnh cho sản phẩm bên dưới.' },
  quick: { kind: 'ok', text: 'Đã cập nhật giá và tồn kho.' },
  resync: { kind: 'ok', text: 'Đã yêu cầu đồng bộ lại với Postmart.' },
  photo: { kind: 'ok', text: 'Đã thêm ảnh.' },
  photo_removed: { kind: 'ok', text: 'Đã xóa ảnh.' },
  photo_cover: { kind: 'ok', text: 'Đã đổi ảnh bìa.' },
  connected: { kind: 'ok', text: 'Đã kết nối gian hàng Postmart.' },
  confirm: { kind: 'ok', text: 'Đã gửi xác nhận đơn tới Postmart; trạng thái sẽ cập nhật sau ít giây.' },
  cancel: { kind: 'ok', text: 'Đã gửi yêu cầu hủy đơn tới Postmart.' },
  buyer_cancel: { kind: 'ok', text: 'Đã gửi trả lời yêu cầu hủy của người mua.' },
  ship: { kind: 'ok', text: 'Đã đặt chỗ gửi hàng; đang chờ Postmart cấp mã bưu gửi.' },
  consigned_on: { kind: 'ok', text: 'Đã lưu: Postmart bán cả hàng ký gửi ở bưu cục.' },
  consigned_off: { kind: 'ok', text: 'Đã lưu: Postmart chỉ bán hàng ở vườn.' },
  pickup_booked: { kind: 'ok', text: 'Đã đặt lịch lấy hàng tại vườn.' },
  pickup_moved: { kind: 'ok', text: 'Đã đổi lịch lấy hàng.' },
  signed_out: { kind: 'ok', text: 'Bạn đã đăng xuất.' },
  expired: { kind: 'error', text: 'Phiên đăng nhập đã hết, vui lòng đăng nhập lại.' },
};
