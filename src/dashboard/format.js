// Vietnamese formats: 1.250.000 ₫, 28/11/2026, 28/11/2026 13:10.
const money = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
const number = new Intl.NumberFormat('vi-VN');

export const vnd = (n) => money.format(n);
export const num = (n) => number.format(n);

/** YYYY-MM-DD (or an ISO instant already in +07:00) → dd/MM/yyyy. */
export const date = (iso) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '—');
/** An ISO instant from the API (+07:00) → dd/MM/yyyy HH:mm, Vietnam time as sent. */
export const dateTime = (iso) => (iso ? `${date(iso)} ${iso.slice(11, 16)}` : '—');

/** Today and n days ago in Asia/Ho_Chi_Minh, as YYYY-MM-DD. */
export function vnDay(offsetDays = 0) {
  return new Date(Date.now() + 7 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export const STATUS_LABELS = {
  unpaid: 'Chưa thanh toán',
  ready_to_ship: 'Chờ xác nhận',
  processed: 'Đang chuẩn bị',
  shipped: 'Đang giao',
  ready_for_pickup: 'Chờ khách nhận',
  picked_up: 'Khách đã nhận',
  delivered: 'Đã giao',
  completed: 'Hoàn tất',
  in_cancel: 'Đang yêu cầu hủy',
  cancelled: 'Đã hủy',
  failed_delivery: 'Giao thất bại',
  to_return: 'Đang hoàn',
  returned: 'Đã hoàn',
  on_hold: 'Tạm giữ',
};

export const ROLE_LABELS = { admin: 'Quản trị', provincial_staff: 'Cán bộ tỉnh', seller_manager: 'Quản lý người bán', post_office_clerk: 'Nhân viên bưu cục' };
