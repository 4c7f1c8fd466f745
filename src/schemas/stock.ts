import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';

export const StockMovement = Type.Object({
  id: Type.Integer(),
  productId: Uuid(),
  kind: Type.String({ description: 'initial, set, adjust, import (orders add reserve, release, consume)' }),
  delta: Type.Integer(),
  stockAfter: Type.Integer(),
  reason: Type.String(),
  actorUserId: Type.Union([Uuid(), Type.Null()]),
  createdAt: Timestamp,
});
