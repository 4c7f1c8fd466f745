import type { Static } from '@sinclair/typebox';
import type { Listing } from '../../schemas/listings.ts';
import type { OrderDetail, OrderSummary } from '../../schemas/orders.ts';
import type { PickupSuggestions, Shipment } from '../../schemas/pickup-points.ts';
import type { PostmartConnection } from '../../schemas/postmart.ts';
import type { ImportReport, Product } from '../../schemas/products.ts';
import type { Overview } from '../../schemas/reports.ts';

/** The API's answers as the pages read them: the same TypeBox schemas the API serializes with. */
export type ProductView = Static<typeof Product>;
export type ListingView = Static<typeof Listing>;
export type OrderRow = Static<typeof OrderSummary>;
export type OrderView = Static<typeof OrderDetail>;
export type Suggestions = Static<typeof PickupSuggestions>;
export type ShipmentView = Static<typeof Shipment>;
export type Connection = Static<typeof PostmartConnection>;
export type ImportResult = Static<typeof ImportReport>;
export type OverviewView = Static<typeof Overview>;
export type Page<T> = { items: T[]; nextCursor: string | null };
/** GET /v1/products/:id/images (src/schemas/product-images.ts on the images branch): cover first. */
export type ProductImageView = { id: string; url: string; thumbnailUrl: string; position: number };
