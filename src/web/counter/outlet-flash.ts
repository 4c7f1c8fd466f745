import type { Flash } from '../../plugins/web/web-app.ts';

/** Messages after a redirect on the consignment and counter-sale screens (issue 14). */
export const OUTLET_FLASH: Record<string, Flash> = {
  consignment_received: { kind: 'ok', text: 'Đã nhận lô hàng ký gửi, đủ số lượng; hàng đã lên kệ.' },
  consignment_received_diff: { kind: 'ok', text: 'Đã nhận lô hàng ký gửi; số lệch đã được ghi lại và người bán sẽ thấy.' },
  goods_returned: { kind: 'ok', text: 'Đã ghi nhận trả hàng cho người bán.' },
  sold_cash: { kind: 'ok', text: 'Đã ghi nhận bán, thu tiền mặt.' },
  sold_transfer: { kind: 'ok', text: 'Đã ghi nhận bán. Đưa mã QR cho khách quét để chuyển khoản.' },
  sale_voided: { kind: 'ok', text: 'Đã hủy hóa đơn; hàng đã trở lại kệ.' },
};
