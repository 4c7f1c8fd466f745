CREATE TABLE "commission_rates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"rate_bp" integer NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"set_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_rates_rate" CHECK ("commission_rates"."rate_bp" BETWEEN 0 AND 10000),
	CONSTRAINT "commission_rates_forward" CHECK ("commission_rates"."effective_from" >= "commission_rates"."created_at" - interval '1 minute')
);
--> statement-breakpoint
CREATE TABLE "consignment_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"consignment_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"qty_sent" integer NOT NULL,
	"qty_received" integer,
	"lot" text,
	"harvest_date" date,
	"shelf_life_days" integer,
	"best_before" date,
	"remaining" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "consignment_lines_sent" CHECK ("consignment_lines"."qty_sent" > 0),
	CONSTRAINT "consignment_lines_received" CHECK ("consignment_lines"."qty_received" IS NULL OR "consignment_lines"."qty_received" >= 0),
	CONSTRAINT "consignment_lines_remaining" CHECK ("consignment_lines"."remaining" >= 0 AND "consignment_lines"."remaining" <= coalesce("consignment_lines"."qty_received", 0)),
	CONSTRAINT "consignment_lines_shelf_life" CHECK ("consignment_lines"."shelf_life_days" IS NULL OR "consignment_lines"."shelf_life_days" > 0)
);
--> statement-breakpoint
CREATE TABLE "consignment_returns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"line_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"qty" integer NOT NULL,
	"reason" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"restocked" boolean NOT NULL,
	"clerk_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consignment_returns_qty" CHECK ("consignment_returns"."qty" > 0)
);
--> statement-breakpoint
CREATE TABLE "consignments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"state" text DEFAULT 'sent' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"sent_by" uuid,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"received_by" uuid,
	"received_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "counter_sale_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"sale_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"qty" integer NOT NULL,
	"unit_price_vnd" bigint NOT NULL,
	"amount_vnd" bigint NOT NULL,
	"commission_bp" integer NOT NULL,
	"commission_vnd" bigint NOT NULL,
	"lots" jsonb NOT NULL,
	CONSTRAINT "counter_sale_lines_qty" CHECK ("counter_sale_lines"."qty" > 0),
	CONSTRAINT "counter_sale_lines_amount" CHECK ("counter_sale_lines"."amount_vnd" = "counter_sale_lines"."qty" * "counter_sale_lines"."unit_price_vnd"),
	CONSTRAINT "counter_sale_lines_commission" CHECK ("counter_sale_lines"."commission_bp" BETWEEN 0 AND 10000 AND "counter_sale_lines"."commission_vnd" BETWEEN 0 AND "counter_sale_lines"."amount_vnd")
);
--> statement-breakpoint
CREATE TABLE "counter_sales" (
	"id" uuid PRIMARY KEY NOT NULL,
	"receipt_no" bigserial NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"clerk_user_id" uuid NOT NULL,
	"sold_at" timestamp with time zone DEFAULT now() NOT NULL,
	"vn_day" date NOT NULL,
	"payment" text NOT NULL,
	"total_vnd" bigint NOT NULL,
	"cash_received_vnd" bigint,
	"vietqr_payload" text,
	"state" text DEFAULT 'completed' NOT NULL,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	CONSTRAINT "counter_sales_receipt_no_unique" UNIQUE("receipt_no"),
	CONSTRAINT "counter_sales_total" CHECK ("counter_sales"."total_vnd" > 0),
	CONSTRAINT "counter_sales_cash" CHECK ("counter_sales"."cash_received_vnd" IS NULL OR "counter_sales"."cash_received_vnd" >= "counter_sales"."total_vnd"),
	CONSTRAINT "counter_sales_void" CHECK (("counter_sales"."state" = 'voided') = ("counter_sales"."voided_at" IS NOT NULL AND "counter_sales"."void_reason" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "farm_pickup_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"pickup_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_day" date,
	"from_window" text,
	"to_day" date,
	"to_window" text,
	"reason" text DEFAULT '' NOT NULL,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "farm_pickup_windows" (
	"pickup_point_id" uuid NOT NULL,
	"day" date NOT NULL,
	"window" text NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "farm_pickup_windows_pickup_point_id_day_window_pk" PRIMARY KEY("pickup_point_id","day","window"),
	CONSTRAINT "farm_pickup_windows_booked" CHECK ("farm_pickup_windows"."booked" >= 0)
);
--> statement-breakpoint
CREATE TABLE "farm_pickups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"day" date NOT NULL,
	"window" text NOT NULL,
	"parcels" integer NOT NULL,
	"ward_code" text NOT NULL,
	"address" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"position_given" boolean NOT NULL,
	"contact_phone" text NOT NULL,
	"distance_km" double precision NOT NULL,
	"state" text DEFAULT 'booked' NOT NULL,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "farm_pickups_parcels" CHECK ("farm_pickups"."parcels" > 0)
);
--> statement-breakpoint
CREATE TABLE "location_stock" (
	"product_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"stock" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "location_stock_product_id_pickup_point_id_pk" PRIMARY KEY("product_id","pickup_point_id"),
	CONSTRAINT "location_stock_non_negative" CHECK ("location_stock"."stock" >= 0)
);
--> statement-breakpoint
CREATE TABLE "outlets" (
	"pickup_point_id" uuid PRIMARY KEY NOT NULL,
	"bank_bin" text,
	"bank_account" text,
	"bank_account_name" text,
	"accepts_farm_pickup" boolean DEFAULT false NOT NULL,
	"farm_pickup_radius_km" double precision DEFAULT 15 NOT NULL,
	"farm_pickup_capacity" integer DEFAULT 4 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outlets_radius" CHECK ("outlets"."farm_pickup_radius_km" > 0 AND "outlets"."farm_pickup_radius_km" <= 100),
	CONSTRAINT "outlets_capacity" CHECK ("outlets"."farm_pickup_capacity" >= 0),
	CONSTRAINT "outlets_bank" CHECK (("outlets"."bank_bin" IS NULL) = ("outlets"."bank_account" IS NULL) AND ("outlets"."bank_bin" IS NULL OR "outlets"."bank_bin" ~ '^[0-9]{6}$'))
);
--> statement-breakpoint
CREATE TABLE "settlement_statements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"month" text NOT NULL,
	"units" integer NOT NULL,
	"sales_vnd" bigint NOT NULL,
	"commission_vnd" bigint NOT NULL,
	"owed_vnd" bigint NOT NULL,
	"lines" jsonb NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	CONSTRAINT "settlement_statements_month" CHECK ("settlement_statements"."month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "settlement_statements_owed" CHECK ("settlement_statements"."owed_vnd" = "settlement_statements"."sales_vnd" - "settlement_statements"."commission_vnd")
);
--> statement-breakpoint
ALTER TABLE "stock_movements" ADD COLUMN "pickup_point_id" uuid;--> statement-breakpoint
ALTER TABLE "commission_rates" ADD CONSTRAINT "commission_rates_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_rates" ADD CONSTRAINT "commission_rates_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignment_lines" ADD CONSTRAINT "consignment_lines_consignment_id_consignments_id_fk" FOREIGN KEY ("consignment_id") REFERENCES "public"."consignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignment_lines" ADD CONSTRAINT "consignment_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignment_returns" ADD CONSTRAINT "consignment_returns_line_id_consignment_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."consignment_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignment_returns" ADD CONSTRAINT "consignment_returns_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignment_returns" ADD CONSTRAINT "consignment_returns_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignment_returns" ADD CONSTRAINT "consignment_returns_clerk_user_id_users_id_fk" FOREIGN KEY ("clerk_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignments" ADD CONSTRAINT "consignments_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignments" ADD CONSTRAINT "consignments_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignments" ADD CONSTRAINT "consignments_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consignments" ADD CONSTRAINT "consignments_received_by_users_id_fk" FOREIGN KEY ("received_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_sale_lines" ADD CONSTRAINT "counter_sale_lines_sale_id_counter_sales_id_fk" FOREIGN KEY ("sale_id") REFERENCES "public"."counter_sales"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_sale_lines" ADD CONSTRAINT "counter_sale_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_sale_lines" ADD CONSTRAINT "counter_sale_lines_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_sales" ADD CONSTRAINT "counter_sales_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_sales" ADD CONSTRAINT "counter_sales_clerk_user_id_users_id_fk" FOREIGN KEY ("clerk_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickup_events" ADD CONSTRAINT "farm_pickup_events_pickup_id_farm_pickups_id_fk" FOREIGN KEY ("pickup_id") REFERENCES "public"."farm_pickups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickup_events" ADD CONSTRAINT "farm_pickup_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickup_windows" ADD CONSTRAINT "farm_pickup_windows_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickups" ADD CONSTRAINT "farm_pickups_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickups" ADD CONSTRAINT "farm_pickups_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickups" ADD CONSTRAINT "farm_pickups_ward_code_communes_code_fk" FOREIGN KEY ("ward_code") REFERENCES "public"."communes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "farm_pickups" ADD CONSTRAINT "farm_pickups_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_stock" ADD CONSTRAINT "location_stock_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_stock" ADD CONSTRAINT "location_stock_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_stock" ADD CONSTRAINT "location_stock_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outlets" ADD CONSTRAINT "outlets_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_statements" ADD CONSTRAINT "settlement_statements_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_statements" ADD CONSTRAINT "settlement_statements_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_statements" ADD CONSTRAINT "settlement_statements_accepted_by_users_id_fk" FOREIGN KEY ("accepted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "commission_rates_seller_from_uq" ON "commission_rates" USING btree ("seller_id","effective_from");--> statement-breakpoint
CREATE INDEX "consignment_lines_consignment_idx" ON "consignment_lines" USING btree ("consignment_id");--> statement-breakpoint
CREATE INDEX "consignment_lines_product_idx" ON "consignment_lines" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "consignment_returns_point_idx" ON "consignment_returns" USING btree ("pickup_point_id");--> statement-breakpoint
CREATE INDEX "consignments_point_idx" ON "consignments" USING btree ("pickup_point_id","state");--> statement-breakpoint
CREATE INDEX "consignments_seller_idx" ON "consignments" USING btree ("seller_id");--> statement-breakpoint
CREATE INDEX "counter_sale_lines_sale_idx" ON "counter_sale_lines" USING btree ("sale_id");--> statement-breakpoint
CREATE INDEX "counter_sale_lines_seller_idx" ON "counter_sale_lines" USING btree ("seller_id");--> statement-breakpoint
CREATE INDEX "counter_sales_point_day_idx" ON "counter_sales" USING btree ("pickup_point_id","vn_day");--> statement-breakpoint
CREATE INDEX "farm_pickup_events_pickup_idx" ON "farm_pickup_events" USING btree ("pickup_id","id");--> statement-breakpoint
CREATE INDEX "farm_pickups_point_day_idx" ON "farm_pickups" USING btree ("pickup_point_id","day");--> statement-breakpoint
CREATE INDEX "farm_pickups_seller_idx" ON "farm_pickups" USING btree ("seller_id");--> statement-breakpoint
CREATE INDEX "location_stock_point_idx" ON "location_stock" USING btree ("pickup_point_id");--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_statements_uq" ON "settlement_statements" USING btree ("seller_id","pickup_point_id","month");--> statement-breakpoint
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stock_movements_point_idx" ON "stock_movements" USING btree ("pickup_point_id","product_id") WHERE "stock_movements"."pickup_point_id" IS NOT NULL;--> statement-breakpoint
-- An accepted settlement statement is what the seller and the post office agreed on: nothing may
-- change or remove it, whatever writes to the table (a trigger, not only a check in the service).
CREATE FUNCTION settlement_statements_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state = 'accepted' THEN
    RAISE EXCEPTION 'settlement statement % is accepted and cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
--> statement-breakpoint
CREATE TRIGGER settlement_statements_frozen BEFORE UPDATE OR DELETE ON settlement_statements FOR EACH ROW EXECUTE FUNCTION settlement_statements_frozen();
