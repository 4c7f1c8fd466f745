CREATE TABLE "order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"source" text NOT NULL,
	"actor_user_id" uuid,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"order_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"product_id" uuid,
	"seller_sku" text NOT NULL,
	"name" text NOT NULL,
	"qty" integer NOT NULL,
	"unit_price_vnd" bigint NOT NULL,
	CONSTRAINT "order_lines_order_id_line_no_pk" PRIMARY KEY("order_id","line_no"),
	CONSTRAINT "order_lines_qty_positive" CHECK ("order_lines"."qty" > 0)
);
--> statement-breakpoint
CREATE TABLE "order_poll_state" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"high_water_mark" bigint NOT NULL,
	"last_success_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"shop_id" text NOT NULL,
	"order_sn" text NOT NULL,
	"status" text NOT NULL,
	"remote_status" text NOT NULL,
	"remote_update_time" bigint NOT NULL,
	"remote_create_time" bigint NOT NULL,
	"payment_method" text NOT NULL,
	"cod_amount_vnd" bigint NOT NULL,
	"shipping_fee_vnd" bigint NOT NULL,
	"voucher_amount_vnd" bigint NOT NULL,
	"total_amount_vnd" bigint NOT NULL,
	"recipient_name" text NOT NULL,
	"recipient_phone" text NOT NULL,
	"recipient_address_line" text NOT NULL,
	"recipient_ward_code" text,
	"recipient_ward_code_raw" text NOT NULL,
	"recipient_ward_name" text,
	"recipient_province_code" text,
	"fulfillment_mode" text NOT NULL,
	"post_office_code" text,
	"note" text DEFAULT '' NOT NULL,
	"ship_by" timestamp with time zone,
	"hold_reason" text,
	"stock_state" text DEFAULT 'none' NOT NULL,
	"cancel_reason" text,
	"cancel_state" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_order_sn_unique" UNIQUE("order_sn"),
	CONSTRAINT "orders_amounts_non_negative" CHECK ("orders"."total_amount_vnd" >= 0 AND "orders"."cod_amount_vnd" >= 0 AND "orders"."shipping_fee_vnd" >= 0 AND "orders"."voucher_amount_vnd" >= 0)
);
--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_recipient_ward_code_communes_code_fk" FOREIGN KEY ("recipient_ward_code") REFERENCES "public"."communes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_events_order_idx" ON "order_events" USING btree ("order_id","id");--> statement-breakpoint
CREATE INDEX "order_lines_product_idx" ON "order_lines" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "orders_seller_idx" ON "orders" USING btree ("seller_id","id");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "orders_cancel_pending_idx" ON "orders" USING btree ("id") WHERE "orders"."cancel_state" = 'pending';