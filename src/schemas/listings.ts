import { Type } from '@sinclair/typebox';
import { LISTING_STATUSES } from '../../db/schema/listings.ts';
import { StringEnum, Timestamp, Uuid } from './common.ts';

export const Listing = Type.Object(
  {
    productId: Uuid(),
    status: StringEnum(LISTING_STATUSES),
    postmartProductId: Type.Union([Type.String(), Type.Null()]),
    syncedVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'The product version Postmart has' }),
    productVersion: Type.Integer({ description: "The product's current version; equal to syncedVersion when in step" }),
    lastSyncedAt: Type.Union([Timestamp, Type.Null()]),
    lastError: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), at: Timestamp }), Type.Null()]),
    attempts: Type.Integer({ description: 'Failed attempts since the last success' }),
    rejectReason: Type.Union([Type.String(), Type.Null()], { description: "Postmart's reason when its review rejected the listing" }),
    notSellableReasons: Type.Array(
      StringEnum(['not_active', 'harvest_closed', 'certificate_expired', 'shop_disconnected', 'no_images'] as const),
      { description: 'Why the product is kept off Postmart today; empty when it may be listed' },
    ),
  },
  { $id: 'Listing' },
);
