import { inArray } from 'drizzle-orm';
import { communes } from '../../../db/schema/communes.ts';
import { orders } from '../../../db/schema/orders.ts';
import { pickupPoints, shipments } from '../../../db/schema/pickup-points.ts';
import { sellers } from '../../../db/schema/sellers.ts';
import type { Db } from '../../db.ts';
import { AppError, notFound } from '../../errors.ts';
import { maskPhone } from '../../lib/phone.ts';
import { authorize, type Principal } from '../accounts/access.ts';
import { renderLabels, type LabelData } from './label-pdf.ts';
import { declaredWeight } from './order-ship.ts';
import { orderForAccess } from './pickup-orders.ts';

/** One batch prints at most this many labels (a morning's parcels for a cooperative). */
export const MAX_LABELS = 100;

type OrderRow = typeof orders.$inferSelect;

const noPackage = (orderSn: string, field: string) =>
  new AppError(
    'CONFLICT',
    {
      detail: {
        vi: `đơn ${orderSn} chưa có mã bưu gửi; hãy chọn bưu cục và gửi hàng (ship) trước khi in nhãn`,
        en: `order ${orderSn} has no package number yet; ship it (choose the post office) before printing its label`,
      },
    },
    field,
  );

/**
 * The label's content for each order, in the order asked. Each order is authorized like reading it
 * (src/services/accounts/access.ts): another seller's order answers 404, naming its place in the batch.
 */
async function labelData(db: Db, p: Principal, orderIds: string[], fieldOf: (i: number) => string): Promise<LabelData[]> {
  const rows = await db.select().from(orders).where(inArray(orders.id, orderIds));
  const byId = new Map(rows.map((o) => [o.id, o]));
  const visible: OrderRow[] = [];
  for (const [i, id] of orderIds.entries()) {
    try {
      authorize(p, 'order', 'read', await orderForAccess(db, p, byId.get(id)));
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', err.params, fieldOf(i));
      throw err;
    }
    visible.push(byId.get(id)!);
  }
  const sellerIds = [...new Set(visible.map((o) => o.sellerId))];
  const [sellerRows, shipmentRows] = await Promise.all([
    db.select().from(sellers).where(inArray(sellers.id, sellerIds)),
    db.select().from(shipments).where(inArray(shipments.orderId, orderIds)),
  ]);
  const pointIds = shipmentRows.map((s) => s.pickupPointId);
  const pickupCodes = visible.map((o) => o.postOfficeCode).filter((c): c is string => c !== null);
  const [pointRows, pickupRows] = await Promise.all([
    pointIds.length ? db.select().from(pickupPoints).where(inArray(pickupPoints.id, pointIds)) : [],
    pickupCodes.length ? db.select({ code: pickupPoints.code, name: pickupPoints.name }).from(pickupPoints).where(inArray(pickupPoints.code, pickupCodes)) : [],
  ]);
  const wardCodes = [...new Set([...sellerRows.map((s) => s.wardCode), ...pointRows.map((pt) => pt.wardCode)])];
  const wardNames = new Map((await db.select({ code: communes.code, name: communes.fullName }).from(communes).where(inArray(communes.code, wardCodes))).map((c) => [c.code, c.name]));
  const sellerById = new Map(sellerRows.map((s) => [s.id, s]));
  const shipmentByOrder = new Map(shipmentRows.map((s) => [s.orderId, s]));
  const pointById = new Map(pointRows.map((pt) => [pt.id, pt]));
  const pickupByCode = new Map(pickupRows.map((pt) => [pt.code, pt.name]));
  // The carrier needs the whole phone number; those who may not see it get the masked one.
  const seesPhone = p.role === 'admin' || p.role === 'seller_manager';
  const withProvince = (address: string, ward: string | null | undefined) => [address, ward, 'Đồng Tháp'].filter(Boolean).join(', ');

  // Without a shipment of ours (a label for a parcel shipped elsewhere), the weight is the declared one.
  const declared = new Map(await Promise.all(visible.filter((o) => !shipmentByOrder.has(o.id)).map(async (o) => [o.id, await declaredWeight(db, o.id)] as const)));

  return visible.map((o, i) => {
    const shipment = shipmentByOrder.get(o.id);
    const packageNumber = shipment?.packageNumber ?? o.trackingNumber;
    if (!packageNumber) throw noPackage(o.orderSn, fieldOf(i));
    const seller = sellerById.get(o.sellerId)!;
    const point = shipment ? pointById.get(shipment.pickupPointId) : undefined;
    return {
      packageNumber,
      orderSn: o.orderSn,
      sender: { name: seller.name, phone: seller.phone, address: withProvince(seller.address, wardNames.get(seller.wardCode)) },
      recipient: {
        name: o.recipientName,
        phone: seesPhone ? o.recipientPhone : maskPhone(o.recipientPhone),
        // Postmart's ward name is the buyer's own, wherever in Vietnam they live.
        address: [o.recipientAddressLine, o.recipientWardName].filter(Boolean).join(', '),
      },
      dropOff: point ? { code: point.code, name: point.name, address: withProvince(point.address, wardNames.get(point.wardCode)) } : null,
      buyerPickup: o.fulfillmentMode === 'PICKUP_AT_POST_OFFICE' && o.postOfficeCode ? { code: o.postOfficeCode, name: pickupByCode.get(o.postOfficeCode) ?? null } : null,
      weightGrams: shipment ? (shipment.measuredWeightGrams ?? shipment.declaredWeightGrams) : (declared.get(o.id) ?? 0),
      codAmountVnd: o.codAmountVnd,
      note: o.note,
    };
  });
}

/** GET /v1/orders/:id/label.pdf */
export async function orderLabel(db: Db, p: Principal, orderId: string): Promise<{ pdf: Buffer; orderSn: string }> {
  const [data] = await labelData(db, p, [orderId], () => 'id');
  if (!data) throw notFound('order');
  return { pdf: await renderLabels([data]), orderSn: data.orderSn };
}

/** POST /v1/labels {orderIds}: one PDF, one label a page, in the order of orderIds. */
export async function batchLabels(db: Db, p: Principal, orderIds: string[]): Promise<Buffer> {
  return renderLabels(await labelData(db, p, orderIds, (i) => `orderIds[${i}]`));
}

