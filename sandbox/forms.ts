import type { orders, products, skus } from './db/schema.ts';

type ProductRow = typeof products.$inferSelect;
type SkuRow = typeof skus.$inferSelect;
type OrderRow = typeof orders.$inferSelect;

/** A product in contract form (postmart-api.md#products). */
export function toContractProduct(p: ProductRow, skuRows: SkuRow[]) {
  return {
    product_id: p.id,
    shop_id: p.shopId,
    name: p.name,
    description: p.description,
    category_id: p.categoryId,
    images: p.images,
    unit: p.unit,
    weight_grams: p.weightGrams,
    origin: p.origin,
    certifications: p.certifications,
    shelf_life_days: p.shelfLifeDays,
    skus: skuRows
      .filter((s) => s.productId === p.id && (!s.deleted || p.status === 'DELETED'))
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ seller_sku: s.sellerSku, variant_name: s.variantName, price: s.price, stock: s.stock })),
    status: p.status,
    reject_reason: p.rejectReason,
    version: p.version,
    create_time: p.createTime,
    update_time: p.updateTime,
  };
}
export type ContractProduct = ReturnType<typeof toContractProduct>;

/** What writes that change a product's status answer. */
export const productSummary = (p: Pick<ProductRow, 'id' | 'version' | 'status'>) => ({ product_id: p.id, version: p.version, status: p.status });

/** A full order (postmart-api.md#orders, GET /orders/detail), plus its package and tracking numbers. */
export function toContractOrder(o: OrderRow) {
  return {
    order_sn: o.orderSn,
    shop_id: o.shopId,
    status: o.status,
    create_time: o.createTime,
    update_time: o.updateTime,
    payment_method: o.paymentMethod,
    cod_amount: o.codAmount,
    items: o.items,
    shipping_fee: o.shippingFee,
    voucher_amount: o.voucherAmount,
    total_amount: o.totalAmount,
    currency: 'VND' as const,
    recipient: o.recipient,
    fulfillment: o.fulfillment,
    note: o.note,
    ship_by: o.shipBy,
    package_number: o.packageNumber,
    tracking_number: o.trackingNumber,
    cancel_reason: o.cancelReason,
  };
}

/** The control API's order form: the contract form plus its VNPost tracking events. */
export const toControlOrder = (o: OrderRow) => ({ ...toContractOrder(o), tracking_events: o.trackingEvents });

export const toOrderSummary = (o: Pick<OrderRow, 'orderSn' | 'status' | 'updateTime'>) => ({ order_sn: o.orderSn, status: o.status, update_time: o.updateTime });
