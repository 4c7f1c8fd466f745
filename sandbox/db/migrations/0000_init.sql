CREATE SCHEMA "postmart_sandbox";
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."auth_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."counters" (
	"kind" text NOT NULL,
	"endpoint" text NOT NULL,
	"status" integer NOT NULL,
	"partner_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "counters_kind_endpoint_status_partner_id_shop_id_pk" PRIMARY KEY("kind","endpoint","status","partner_id","shop_id")
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"state" text NOT NULL,
	"status_code" integer,
	"response_body" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."nonces" (
	"partner_id" text NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "nonces_partner_id_nonce_pk" PRIMARY KEY("partner_id","nonce")
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."orders" (
	"order_sn" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"status" text NOT NULL,
	"status_before_cancel" text,
	"create_time" bigint NOT NULL,
	"update_time" bigint NOT NULL,
	"visible_at" timestamp with time zone NOT NULL,
	"payment_method" text NOT NULL,
	"cod_amount" bigint NOT NULL,
	"items" jsonb NOT NULL,
	"shipping_fee" bigint NOT NULL,
	"voucher_amount" bigint NOT NULL,
	"total_amount" bigint NOT NULL,
	"recipient" jsonb NOT NULL,
	"fulfillment" jsonb NOT NULL,
	"note" text NOT NULL,
	"ship_by" bigint NOT NULL,
	"package_number" text,
	"tracking_number" text,
	"dropoff_post_office_code" text,
	"tracking_events" jsonb NOT NULL,
	"cancel_reason" text
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."partners" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"partner_key" text NOT NULL,
	"webhook_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."post_offices" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"ward_code" text NOT NULL,
	"province_code" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"opening_hours" text NOT NULL,
	"accepts_dropoff" boolean NOT NULL,
	"buyer_pickup" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."products" (
	"id" text PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"category_id" jsonb NOT NULL,
	"images" jsonb NOT NULL,
	"unit" text NOT NULL,
	"weight_grams" integer NOT NULL,
	"origin" jsonb,
	"certifications" jsonb NOT NULL,
	"shelf_life_days" integer,
	"status" text NOT NULL,
	"reject_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"create_time" bigint NOT NULL,
	"update_time" bigint NOT NULL,
	"review_due_at" timestamp with time zone,
	"created_idempotency_key" text
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."shops" (
	"id" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."skus" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"seller_sku" text NOT NULL,
	"variant_name" text NOT NULL,
	"price" bigint NOT NULL,
	"stock" integer NOT NULL,
	"position" integer NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skus_price_positive" CHECK ("postmart_sandbox"."skus"."price" > 0),
	CONSTRAINT "skus_stock_non_negative" CHECK ("postmart_sandbox"."skus"."stock" >= 0)
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"partner_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"expiring_notified" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmart_sandbox"."webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"partner_id" text NOT NULL,
	"shop_id" text NOT NULL,
	"type" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"duplicate" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retry_factor" double precision NOT NULL,
	"timeout_ms" integer NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "postmart_sandbox"."shops" ADD CONSTRAINT "shops_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "postmart_sandbox"."partners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postmart_sandbox"."skus" ADD CONSTRAINT "skus_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "postmart_sandbox"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "postmart_sandbox"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "nonces_seen_idx" ON "postmart_sandbox"."nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE INDEX "orders_shop_update_idx" ON "postmart_sandbox"."orders" USING btree ("shop_id","update_time","order_sn");--> statement-breakpoint
CREATE INDEX "orders_shop_create_idx" ON "postmart_sandbox"."orders" USING btree ("shop_id","create_time");--> statement-breakpoint
CREATE INDEX "post_offices_area_idx" ON "postmart_sandbox"."post_offices" USING btree ("province_code","ward_code");--> statement-breakpoint
CREATE INDEX "products_shop_update_idx" ON "postmart_sandbox"."products" USING btree ("shop_id","update_time","id");--> statement-breakpoint
CREATE INDEX "products_review_idx" ON "postmart_sandbox"."products" USING btree ("status","review_due_at");--> statement-breakpoint
CREATE INDEX "shops_partner_idx" ON "postmart_sandbox"."shops" USING btree ("partner_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "skus_shop_seller_sku_uq" ON "postmart_sandbox"."skus" USING btree ("shop_id","seller_sku") WHERE NOT "postmart_sandbox"."skus"."deleted";--> statement-breakpoint
CREATE INDEX "skus_product_idx" ON "postmart_sandbox"."skus" USING btree ("product_id","position");--> statement-breakpoint
CREATE INDEX "tokens_shop_idx" ON "postmart_sandbox"."tokens" USING btree ("shop_id","kind");--> statement-breakpoint
CREATE INDEX "tokens_expiry_idx" ON "postmart_sandbox"."tokens" USING btree ("kind","expires_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "postmart_sandbox"."webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_shop_idx" ON "postmart_sandbox"."webhook_deliveries" USING btree ("shop_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_event_idx" ON "postmart_sandbox"."webhook_deliveries" USING btree ("event_id");