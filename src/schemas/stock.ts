import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';

export const StockMovement = Type.Object({
  id: Type.Integer(),
  productId: Uuid(),
  kind: Type.String({
    description:
      'initial, set, adjust, import (orders add reserve, release, consume; consignment adds consign_out and consign_return at the farm, consign_in, consign_return, counter_sale and counter_void at a post office)',
  }),
  pickupPointId: Type.Union([Uuid(), Type.Null()], { description: 'Where the stock moved: null for the farm (products.stock), else the post office holding it on consignment' }),
  delta: Type.Integer(),
  stockAfter: Type.Integer(),
  reason: Type.String(),
  actorUserId: Type.Union([Uuid(), Type.Null()]),
  createdAt: Timestamp,
});
