import { Type } from '@sinclair/typebox';
import { StringEnum, Uuid } from './common.ts';

export const PostmartConnection = Type.Object({
  sellerId: Uuid(),
  status: StringEnum(['not_connected', 'pending', 'connected', 'disconnected'] as const),
  shopId: Type.Union([Type.String(), Type.Null()]),
  connectedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disconnectedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disconnectReason: Type.Union([Type.String(), Type.Null()]),
  accessTokenExpiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const OAuthCallbackQuery = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 500 }),
  shop_id: Type.String({ minLength: 1, maxLength: 100 }),
  state: Type.String({ minLength: 1, maxLength: 200 }),
});
