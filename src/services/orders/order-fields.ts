import type { orders } from '../../../db/schema/orders.ts';
import { normalizePhone } from '../../lib/phone.ts';
import type { OrderDetailT } from '../../postmart/client/contract.ts';

export type OrderSource = 'webhook' | 'poll' | 'user' | 'system';

/** The contract's order in our columns: integer VND as sent, the phone normalized, the ward ours when we know it (`wardKnown`). */
export function orderFields(d: OrderDetailT, wardKnown: boolean) {
  return {
    remoteStatus: d.status,
    remoteUpdateTime: d.update_time,
    remoteCreateTime: d.create_time,
    paymentMethod: d.payment_method,
    codAmountVnd: d.cod_amount,
    shippingFeeVnd: d.shipping_fee,
    voucherAmountVnd: d.voucher_amount,
    totalAmountVnd: d.total_amount,
    recipientName: d.recipient.name.normalize('NFC'),
    recipientPhone: normalizePhone(d.recipient.phone) ?? d.recipient.phone,
    recipientAddressLine: d.recipient.address_line.normalize('NFC'),
    recipientWardCode: wardKnown ? d.recipient.ward_code : null,
    recipientWardCodeRaw: d.recipient.ward_code,
    recipientWardName: d.recipient.ward_name ?? null,
    recipientProvinceCode: d.recipient.province_code ?? null,
    fulfillmentMode: d.fulfillment.mode,
    postOfficeCode: d.fulfillment.post_office_code ?? null,
    note: (d.note ?? '').normalize('NFC'),
    shipBy: d.ship_by ? new Date(d.ship_by * 1000) : null,
  } satisfies Partial<typeof orders.$inferInsert>;
}
