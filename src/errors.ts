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
  IMAGE_NOT_ACCEPTED: {
    status: 400,
    vi: (p) => `Trường «${f(p)}»: ${p.detail}`,
    en: (p) => `Field '${f(p)}': ${p.detail}`,
  },
  IMAGE_TOO_LARGE: {
    status: 413,
    vi: (p) => `Trường «${f(p)}»: ảnh lớn hơn ${p.maxMb} MB; chụp lại với độ phân giải thấp hơn hoặc chọn ảnh khác`,
    en: (p) => `Field '${f(p)}': the photo is larger than ${p.maxMb} MB; take it at a lower resolution or choose another`,
  },
  TOO_MANY_IMAGES: {
    status: 409,
    vi: (p) => `Trường «${f(p)}»: mỗi sản phẩm có tối đa ${p.max} ảnh (hiện có ${p.current}); xóa bớt ảnh rồi thử lại`,
    en: (p) => `Field '${f(p)}': a product has at most ${p.max} photos (it has ${p.current}); delete some and retry`,
  },
  URI_TOO_LONG: { status: 414, vi: () => 'Đường dẫn yêu cầu quá dài', en: () => 'Request path is too long' },
  HEADERS_TOO_LARGE: { status: 431, vi: () => 'Phần đầu (header) của yêu cầu quá lớn', en: () => 'Request headers are too large' },
  REQUEST_TIMEOUT: { status: 408, vi: () => 'Yêu cầu gửi đến quá chậm, kết nối đã đóng', en: () => 'The request took too long to arrive' },
  BAD_REQUEST: { status: 400, vi: () => 'Yêu cầu HTTP không hợp lệ', en: () => 'Malformed HTTP request' },
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
  RATE_LIMITED: {
    status: 429,
    vi: (p) => `Quá nhiều yêu cầu loại này; thử lại sau ${p.seconds ?? 60} giây`,
    en: (p) => `Too many requests of this kind; try again in ${p.seconds ?? 60} s`,
  },
  IMPORT_IN_PROGRESS: {
    status: 409,
    vi: () => 'Một lần nhập CSV khác của người bán này đang chạy; chờ xong rồi thử lại',
    en: () => "Another CSV import for this seller is running; wait for it to finish and retry",
  },
  TOO_MANY_LOGINS_FROM_ADDRESS: {
    status: 429,
    vi: (p) => `Quá nhiều lần đăng nhập từ địa chỉ này; thử lại sau ${p.seconds} giây`,
    en: (p) => `Too many login attempts from this address; try again in ${p.seconds} s`,
  },
  PARCEL_LOCKED: {
    status: 423,
    vi: () =>
      'Bưu gửi đã bị khóa nhận hàng vì nhập sai số điện thoại người nhận 5 lần; không giao bưu gửi. Cần quản trị viên mở khóa, hoặc nhân viên kiểm tra giấy tờ tùy thân của người nhận và ghi lại (loại giấy tờ, 4 số cuối)',
    en: () =>
      "Collection of this parcel is locked after 5 wrong recipient phone numbers; do not hand it over. An admin must unlock it, or the clerk checks the recipient's identity document and records it (type, last 4 digits)",
  },
  WEIGHT_CONFIRMATION_REQUIRED: {
    status: 409,
    vi: (p) => `Trường «weightGrams»: khối lượng cân được ${p.measured} g lệch hơn 10% so với khai báo ${p.declared} g; cân lại, hoặc gửi lại với "weightConfirmed": true để xác nhận`,
    en: (p) => `Field 'weightGrams': the measured ${p.measured} g is more than 10% off the declared ${p.declared} g; weigh again, or resend with "weightConfirmed": true to confirm`,
  },
  COD_CASH_MISMATCH: {
    status: 422,
    vi: (p) => `Trường «cashVnd»: số tiền thu ${p.taken} đ khác số tiền thu hộ (COD) ${p.expected} đ; thu đúng số tiền, hoặc ghi lý do ở trường «cashReason»`,
    en: (p) => `Field 'cashVnd': ${p.taken} VND taken differs from the COD amount ${p.expected} VND; take the exact amount, or give a reason in 'cashReason'`,
  },
  CASH_DAY_CLOSED: {
    status: 409,
    vi: (p) => `Sổ thu tiền ngày ${p.day} của điểm giao nhận đã được chốt; không thể ghi thêm hay sửa`,
    en: (p) => `The cash sheet of ${p.day} at this pickup point is closed; nothing can be added or changed`,
  },
  SELLER_PHONE_MISMATCH: {
    status: 422,
    vi: () => 'Trường «sellerPhone»: số điện thoại không khớp với người bán; không trả bưu gửi',
    en: () => "Field 'sellerPhone': the number does not match the seller's; do not hand the parcel back",
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
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    vi: (p) => `Trường «${f(p)}»: khóa này đã dùng cho hóa đơn ${p.receipt} với giỏ hàng hoặc cách trả tiền khác; mỗi lần bán cần một khóa mới`,
    en: (p) => `Field '${f(p)}': this key was used for sale ${p.receipt} with another basket or payment; each sale needs a new key`,
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
  OVERLOADED: {
    status: 503,
    vi: (p) => `Máy chủ đang quá tải; thử lại sau ${p.seconds} giây`,
    en: (p) => `The server is overloaded; try again in ${p.seconds} s`,
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
  image: { vi: 'ảnh', en: 'Image' },
  authorization: { vi: 'giấy ủy quyền', en: 'Authorization' },
  authorization_scan: { vi: 'ảnh giấy ủy quyền', en: 'Authorization scan' },
  parcel: { vi: 'bưu gửi', en: 'Parcel' },
  consignment: { vi: 'lô hàng ký gửi', en: 'Consignment' },
  counter_sale: { vi: 'hóa đơn bán tại quầy', en: 'Counter sale' },
  settlement: { vi: 'bảng kê đối soát', en: 'Settlement statement' },
  farm_pickup: { vi: 'lịch lấy hàng tại vườn', en: 'Farm pickup' },
  postmart_shop: { vi: 'gian hàng Postmart', en: 'Postmart shop' },
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
    /** Machine-readable detail a client may act on (FARM_PICKUP_FULL: the next free window), sent as `error.details`. */
    readonly details?: Record<string, unknown>,
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
