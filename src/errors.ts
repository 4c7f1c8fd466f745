import type { Lang } from './i18n/language.ts';

type Params = Record<string, string | number>;
type Text = { vi: (p: Params) => string; en: (p: Params) => string };

const f = (p: Params) => String(p.field ?? '');

/** Every error the API can answer, declared once with its HTTP status and its message in both languages. */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, vi: (p) => `Trường «${f(p)}»: ${p.detail}`, en: (p) => `Field '${f(p)}': ${p.detail}` },
  INVALID_BODY: { status: 400, vi: (p) => `Nội dung yêu cầu không hợp lệ: ${p.detail}`, en: (p) => `Invalid request body: ${p.detail}` },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    vi: (p) => `Không hỗ trợ kiểu nội dung ${p.type}`,
    en: (p) => `Unsupported content type ${p.type}`,
  },
  PAYLOAD_TOO_LARGE: { status: 413, vi: () => 'Nội dung yêu cầu quá lớn', en: () => 'Request body is too large' },
  UNAUTHENTICATED: {
    status: 401,
    vi: () => 'Cần đăng nhập: thiếu hoặc sai mã truy cập (Bearer token)',
    en: () => 'Authentication required: missing or invalid bearer token',
  },
  TOKEN_EXPIRED: { status: 401, vi: () => 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại', en: () => 'Token expired, please log in again' },
  INVALID_CREDENTIALS: {
    status: 401,
    vi: () => 'Số điện thoại hoặc mật khẩu không đúng',
    en: () => 'Wrong phone number or password',
  },
  ACCOUNT_DISABLED: { status: 401, vi: () => 'Tài khoản đã bị khóa', en: () => 'This account is disabled' },
  FORBIDDEN: {
    status: 403,
    vi: () => 'Vai trò của bạn không được phép thực hiện thao tác này',
    en: () => 'Your role is not allowed to do this',
  },
  NOT_FOUND: { status: 404, vi: (p) => `Không tìm thấy ${p.what}`, en: (p) => `${p.what} not found` },
  ROUTE_NOT_FOUND: { status: 404, vi: (p) => `Không có đường dẫn ${p.route}`, en: (p) => `No route ${p.route}` },
  CONFLICT: { status: 409, vi: (p) => `Xung đột dữ liệu ở trường «${f(p)}»: ${p.detail}`, en: (p) => `Conflict on '${f(p)}': ${p.detail}` },
  VERSION_CONFLICT: {
    status: 409,
    vi: (p) => `Dữ liệu đã được sửa bởi người khác (phiên bản hiện tại ${p.current}); tải lại rồi thử lại`,
    en: (p) => `Changed by someone else meanwhile (current version ${p.current}); reload and retry`,
  },
  INSUFFICIENT_STOCK: {
    status: 409,
    vi: (p) => `Tồn kho không đủ: hiện có ${p.stock}, không thể giảm ${p.delta}`,
    en: (p) => `Not enough stock: ${p.stock} available, cannot remove ${p.delta}`,
  },
  PICKUP_POINT_FULL: {
    status: 409,
    vi: (p) => `Điểm ${p.point} đã nhận đủ ${p.capacity} bưu gửi hôm nay; ${p.next}`,
    en: (p) => `Pickup point ${p.point} has booked all ${p.capacity} parcels today; ${p.next}`,
  },
  RECIPIENT_PHONE_MISMATCH: {
    status: 422,
    vi: () => 'Trường «phone»: số điện thoại không khớp với người nhận của đơn hàng; không giao bưu gửi',
    en: () => "Field 'phone': the number does not match the order's recipient; do not hand the parcel over",
  },
  // Post offices as outlets (issue 14).
  INSUFFICIENT_OUTLET_STOCK: {
    status: 409,
    vi: (p) => `Trường «${f(p)}»: bưu cục chỉ còn ${p.stock} ${p.product}, không đủ ${p.qty}`,
    en: (p) => `Field '${f(p)}': the post office holds only ${p.stock} of ${p.product}, not ${p.qty}`,
  },
  NO_COMMISSION_RATE: {
    status: 409,
    vi: (p) => `Người bán ${p.seller} chưa có mức hoa hồng ký gửi; quản trị viên cần đặt mức trước khi gửi hay bán hàng ký gửi`,
    en: (p) => `Seller ${p.seller} has no agreed consignment commission; an admin must set one before goods are consigned or sold`,
  },
  CONSIGNMENT_ALREADY_RECEIVED: {
    status: 409,
    vi: () => 'Lô hàng ký gửi này đã được nhận và kiểm đếm',
    en: () => 'This consignment has already been received and counted',
  },
  OUTLET_NO_BANK_ACCOUNT: {
    status: 409,
    vi: () => 'Trường «payment»: bưu cục chưa khai báo tài khoản ngân hàng nhận chuyển khoản; thu tiền mặt hoặc nhờ quản trị viên khai báo',
    en: () => "Field 'payment': this post office has no bank account for transfers; take cash or ask an admin to set one",
  },
  SALE_VOID_REFUSED: {
    status: 409,
    vi: (p) => `Không thể hủy hóa đơn: ${p.why}`,
    en: (p) => `Cannot void the sale: ${p.why}`,
  },
  STATEMENT_ACCEPTED: {
    status: 409,
    vi: (p) => `Bảng kê tháng ${p.month} đã được chấp nhận và không thể thay đổi`,
    en: (p) => `The statement for ${p.month} has been accepted and cannot change`,
  },
  FARM_PICKUP_OUT_OF_RANGE: {
    status: 422,
    vi: () => 'Không có bưu cục nào nhận lấy hàng tại vườn trong bán kính phục vụ của địa chỉ này; hãy gửi hàng tại bưu cục',
    en: () => 'No post office that picks up at farms serves this address; drop the parcels off at a post office instead',
  },
  FARM_PICKUP_FULL: {
    status: 409,
    vi: (p) => `Khung giờ ${p.window} ngày ${p.day} đã kín lịch; khung giờ trống gần nhất: ${p.next}`,
    en: (p) => `The ${p.window} window on ${p.day} is fully booked; next free window: ${p.next}`,
  },
  RATE_LIMITED: { status: 429, vi: () => 'Quá nhiều yêu cầu, thử lại sau', en: () => 'Too many requests, try again later' },
  TOO_MANY_LOGINS: {
    status: 429,
    vi: (p) => `Đăng nhập quá nhiều lần với số điện thoại này; thử lại sau ${p.seconds} giây`,
    en: (p) => `Too many login attempts for this phone number; try again in ${p.seconds} s`,
  },
  INTERNAL: {
    status: 500,
    vi: (p) => `Lỗi hệ thống; mã yêu cầu ${p.requestId}`,
    en: (p) => `Internal error; request id ${p.requestId}`,
  },
  UNAVAILABLE: {
    status: 503,
    vi: (p) => `Dịch vụ tạm thời không sẵn sàng: ${p.detail}`,
    en: (p) => `Service temporarily unavailable: ${p.detail}`,
  },
} as const satisfies Record<string, { status: number } & Text>;

export type ErrorCode = keyof typeof ERRORS;

/** Names of things for NOT_FOUND messages, in both languages. */
export const THINGS = {
  product: { vi: 'sản phẩm', en: 'Product' },
  order: { vi: 'đơn hàng', en: 'Order' },
  seller: { vi: 'người bán', en: 'Seller' },
  user: { vi: 'tài khoản', en: 'User' },
  commune: { vi: 'xã/phường', en: 'Commune' },
  pickup_point: { vi: 'điểm giao nhận', en: 'Pickup point' },
  shipment: { vi: 'lô gửi hàng', en: 'Shipment' },
  consignment: { vi: 'lô hàng ký gửi', en: 'Consignment' },
  counter_sale: { vi: 'hóa đơn bán tại quầy', en: 'Counter sale' },
  settlement: { vi: 'bảng kê đối soát', en: 'Settlement statement' },
  farm_pickup: { vi: 'lịch lấy hàng tại vườn', en: 'Farm pickup' },
} as const;
export type Thing = keyof typeof THINGS;

/**
 * A domain error: services throw it, the error handler renders it in the client's language.
 * `params` fill the message; values that are themselves bilingual may be given as {vi, en}.
 */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number | { vi: string; en: string }> = {},
    readonly field?: string,
  ) {
    super(code);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }

  messageIn(lang: Lang): string {
    const resolved: Params = {};
    for (const [k, v] of Object.entries(this.params)) resolved[k] = typeof v === 'object' ? v[lang] : v;
    if (this.field !== undefined && resolved.field === undefined) resolved.field = this.field;
    return ERRORS[this.code][lang](resolved);
  }
}

export const notFound = (what: Thing) => new AppError('NOT_FOUND', { what: THINGS[what] });
export const forbidden = () => new AppError('FORBIDDEN');
export const invalid = (field: string, detail: { vi: string; en: string }) => new AppError('VALIDATION_FAILED', { detail }, field);
