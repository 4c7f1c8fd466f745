-- One outbox for all background work (issue 11): listing_outbox becomes outbox, with a typed kind.
ALTER TABLE "listing_outbox" RENAME TO "outbox";--> statement-breakpoint
ALTER SEQUENCE "listing_outbox_id_seq" RENAME TO "outbox_id_seq";--> statement-breakpoint
ALTER TABLE "outbox" RENAME CONSTRAINT "listing_outbox_pkey" TO "outbox_pkey";--> statement-breakpoint
ALTER TABLE "outbox" DROP CONSTRAINT "listing_outbox_product_id_products_id_fk";
--> statement-breakpoint
DROP INDEX "listing_outbox_pending_idx";--> statement-breakpoint
DROP INDEX "listing_outbox_product_idx";--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "product_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "product_version" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "kind" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "payload" jsonb;--> statement-breakpoint
-- The old kinds become listing kinds; stock moved by orders gets its own kind instead of a reason prefix.
UPDATE "outbox" SET "kind" = CASE WHEN "kind" = 'price_stock' AND "reason" LIKE 'order-%' THEN 'listing.order_stock' WHEN "kind" = 'price_stock' THEN 'listing.price_stock' ELSE 'listing.full' END;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("id") WHERE "outbox"."processed_at" IS NULL;--> statement-breakpoint
CREATE INDEX "outbox_product_idx" ON "outbox" USING btree ("product_id","product_version");--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_listing_has_product" CHECK ("outbox"."kind" NOT LIKE 'listing.%' OR ("outbox"."product_id" IS NOT NULL AND "outbox"."product_version" IS NOT NULL));