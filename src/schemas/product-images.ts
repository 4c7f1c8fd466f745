import { Type, type Static } from '@sinclair/typebox';
import { Timestamp, Uuid } from './common.ts';

export const ProductImage = Type.Object(
  {
    id: Uuid(),
    url: Type.String({ description: '1280 px JPEG, no metadata; the URL sent to Postmart' }),
    thumbnailUrl: Type.String({ description: '320 px JPEG for lists' }),
    width: Type.Integer(),
    height: Type.Integer(),
    bytes: Type.Integer(),
    position: Type.Integer({ minimum: 0, description: '0 is the cover photo' }),
    createdAt: Timestamp,
  },
  { $id: 'ProductImage' },
);

export const ProductImageList = Type.Object({ items: Type.Array(Type.Ref('ProductImage')) });

export const ProductImageParams = Type.Object({ id: Uuid(), imageId: Uuid() });

export const ImageOrder = Type.Object(
  { imageIds: Type.Array(Uuid(), { minItems: 1, maxItems: 10, description: 'Every image id of the product, in the new order' }) },
  { additionalProperties: false },
);
export type ImageOrderInput = Static<typeof ImageOrder>;

export const MediaParams = Type.Object({ file: Type.String({ pattern: '^[0-9a-f]{64}(_320)?\\.jpg$' }) });
