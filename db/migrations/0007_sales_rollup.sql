CREATE TABLE "sales_dirty_cells" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"day" date NOT NULL,
	"seller_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_rollup" (
	"dim" text NOT NULL,
	"day" date NOT NULL,
	"seller_id" uuid NOT NULL,
	"key" text NOT NULL,
	"orders" integer NOT NULL,
	"cancelled" integer NOT NULL,
	"units" integer NOT NULL,
	"revenue_vnd" bigint NOT NULL,
	"cod_revenue_vnd" bigint NOT NULL,
	CONSTRAINT "sales_rollup_dim_day_seller_id_key_pk" PRIMARY KEY("dim","day","seller_id","key")
);
--> statement-breakpoint
ALTER TABLE "sales_rollup" ADD CONSTRAINT "sales_rollup_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sales_rollup_seller_idx" ON "sales_rollup" USING btree ("seller_id","dim","day");--> statement-breakpoint
CREATE INDEX "orders_placed_idx" ON "orders" USING btree ("remote_create_time");