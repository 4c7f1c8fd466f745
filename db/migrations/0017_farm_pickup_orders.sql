CREATE TABLE "farm_pickup_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"pickup_id" uuid NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sellers" ADD COLUMN "postmart_includes_consigned" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "farm_pickup_orders" ADD CONSTRAINT "farm_pickup_orders_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickup_orders" ADD CONSTRAINT "farm_pickup_orders_pickup_id_farm_pickups_id_fk" FOREIGN KEY ("pickup_id") REFERENCES "public"."farm_pickups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "farm_pickup_orders_pickup_idx" ON "farm_pickup_orders" USING btree ("pickup_id");