import type { ListingStatus } from '../../db/schema/listings.ts';
import type { OrderStatus } from '../../db/schema/orders.ts';
import type { CATEGORIES, CERTIFICATION_TYPES, PRODUCT_STATUSES, UNITS } from '../../db/schema/products.ts';

/** Vietnamese words for the API's codes, declared once for every screen (and the counter app to come). */
export const CATEGORY_LABELS: Record<(typeof CATEGORIES)[number], string> = {
  fruit: 'Trái cây',
  vegetable: 'Rau củ',
  rice: 'Gạo',
  seafood: 'Thủy sản',
  processed: 'Sản phẩm chế biến',
  flower: 'Hoa, cây cảnh',
  herbal: 'Dược liệu, trà',
  other: 'Khác',
};

export const UNIT_LABELS: Record<(typeof UNITS)[number], string> = {
  kg: 'kg',
  hop: 'hộp',
  thung: 'thùng',
  bo: 'bó',
  trai: 'trái',
  goi: 'gói',
  chai: 'chai',
  tui: 'túi',
};

export const PRODUCT_STATUS_LABELS: Record<(typeof PRODUCT_STATUSES)[number], string> = {
  draft: 'Nháp',
  active: 'Đang bán',
  archived: 'Đã lưu trữ',
};

export const CERTIFICATION_LABELS: Record<(typeof CERTIFICATION_TYPES)[number], string> = {
  OCOP_3_STAR: 'OCOP 3 sao',
  OCOP_4_STAR: 'OCOP 4 sao',
  OCOP_5_STAR: 'OCOP 5 sao',
  VIETGAP: 'VietGAP',
  GLOBALGAP: 'GlobalGAP',
  ORGANIC: 'Hữu cơ',
};

export const LISTING_LABELS: Record<ListingStatus, string> = {
  not_listed: 'Chưa đăng',
  pending: 'Đang đồng bộ',
  listed: 'Đang hiển thị',
  rejected: 'Bị từ chối',
  unlisted: 'Đã gỡ',
  error: 'Lỗi đồng bộ',
};

export const NOT_SELLABLE_LABELS: Record<string, string> = {
  not_active: 'Sản phẩm chưa ở trạng thái «Đang bán»',
  harvest_closed: 'Ngoài mùa thu hoạch đã khai báo',
  certificate_expired: 'Có chứng nhận đã hết hạn',
  shop_disconnected: 'Gian hàng Postmart chưa kết nối',
  no_images: 'Chưa có ảnh sản phẩm',
};

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  unpaid: 'Chờ thanh toán',
  ready_to_ship: 'Chờ xác nhận',
  processed: 'Đang chuẩn bị',
  shipped: 'Đã gửi bưu cục',
  ready_for_pickup: 'Chờ người mua nhận',
  picked_up: 'Người mua đã nhận',
  delivered: 'Đã giao',
  completed: 'Hoàn tất',
  in_cancel: 'Người mua xin hủy',
  cancelled: 'Đã hủy',
  failed_delivery: 'Giao không thành công',
  to_return: 'Đang hoàn về',
  returned: 'Đã hoàn về',
  on_hold: 'Tạm giữ',
};

export const CANCEL_REASON_LABELS = {
  OUT_OF_STOCK: 'Hết hàng',
  CUSTOMER_REQUEST: 'Người mua yêu cầu',
  UNDELIVERABLE_AREA: 'Không giao được tới địa chỉ',
  PRICE_ERROR: 'Sai giá',
} as const;

export const PAYMENT_LABELS: Record<string, string> = {
  COD: 'Thu tiền khi giao (COD)',
  VNPAY: 'VNPAY',
  BANK_TRANSFER: 'Chuyển khoản',
};

export const FULFILLMENT_LABELS: Record<string, string> = {
  PICKUP_AT_POST_OFFICE: 'Người mua nhận tại bưu cục',
  HOME_DELIVERY: 'Giao tận nhà',
};

export const SHIPMENT_STATE_LABELS: Record<string, string> = {
  requested: 'Đang gửi yêu cầu tới Postmart',
  accepted: 'Postmart đã nhận, có mã bưu gửi',
  failed: 'Postmart từ chối',
  released: 'Đã hủy chỗ gửi',
};

/** The label of a code, or the code itself when a newer API answers something this table lacks. */
export const labelOf = (table: Record<string, string>, code: string | null | undefined): string => (code ? (table[code] ?? code) : '');
