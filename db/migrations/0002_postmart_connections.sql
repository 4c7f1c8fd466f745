CREATE TABLE "postmart_partners" (
	"base_url" text PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"partner_key_enc" text NOT NULL,
	"webhook_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "postmart_shops" (
	"seller_id" uuid PRIMARY KEY NOT NULL,
	"shop_id" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"oauth_state" text,
	"access_token_enc" text,
	"access_expires_at" timestamp with time zone,
	"refresh_token_enc" text,
	"refresh_expires_at" timestamp with time zone,
	"connected_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	"disconnect_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "postmart_shops_shop_id_unique" UNIQUE("shop_id"),
	CONSTRAINT "postmart_shops_oauth_state_unique" UNIQUE("oauth_state")
);
--> statement-breakpoint
ALTER TABLE "postmart_shops" ADD CONSTRAINT "postmart_shops_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "postmart_shops_status_idx" ON "postmart_shops" USING btree ("status");