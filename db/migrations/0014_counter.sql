CREATE TABLE "authorizations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seller_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"scopes" text[] NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"document_number" text NOT NULL,
	"farmer_present" boolean NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	"revoke_reason" text,
	CONSTRAINT "authorizations_validity" CHECK ("authorizations"."valid_until" > "authorizations"."valid_from"),
	CONSTRAINT "authorizations_scopes" CHECK (cardinality("authorizations"."scopes") > 0)
);
--> statement-breakpoint
CREATE TABLE "cash_day_closings" (
	"pickup_point_id" uuid NOT NULL,
	"day" date NOT NULL,
	"closed_by" uuid NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"parcels" integer NOT NULL,
	"total_vnd" bigint NOT NULL,
	CONSTRAINT "cash_day_closings_pickup_point_id_day_pk" PRIMARY KEY("pickup_point_id","day")
);
--> statement-breakpoint
CREATE TABLE "counter_cash" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"day" date NOT NULL,
	"clerk_id" uuid NOT NULL,
	"expected_vnd" bigint NOT NULL,
	"taken_vnd" bigint NOT NULL,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "counter_cash_amounts" CHECK ("counter_cash"."taken_vnd" >= 0 AND "counter_cash"."expected_vnd" >= 0),
	CONSTRAINT "counter_cash_reason" CHECK ("counter_cash"."taken_vnd" = "counter_cash"."expected_vnd" OR "counter_cash"."reason" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "parcel_phone_checks" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked_at" timestamp with time zone,
	"unlocked_at" timestamp with time zone,
	"unlocked_by" uuid,
	"unlock_kind" text,
	"identity_document" text,
	"identity_last4" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parcel_returns" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"cause" text NOT NULL,
	"received_by_name" text NOT NULL,
	"returned_by" uuid NOT NULL,
	"returned_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "authorization_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "on_behalf_of_seller_id" uuid;--> statement-breakpoint
ALTER TABLE "order_events" ADD COLUMN "authorization_id" uuid;--> statement-breakpoint
ALTER TABLE "authorizations" ADD CONSTRAINT "authorizations_seller_id_sellers_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."sellers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorizations" ADD CONSTRAINT "authorizations_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorizations" ADD CONSTRAINT "authorizations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorizations" ADD CONSTRAINT "authorizations_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_day_closings" ADD CONSTRAINT "cash_day_closings_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_day_closings" ADD CONSTRAINT "cash_day_closings_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_cash" ADD CONSTRAINT "counter_cash_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_cash" ADD CONSTRAINT "counter_cash_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counter_cash" ADD CONSTRAINT "counter_cash_clerk_id_users_id_fk" FOREIGN KEY ("clerk_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parcel_phone_checks" ADD CONSTRAINT "parcel_phone_checks_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parcel_phone_checks" ADD CONSTRAINT "parcel_phone_checks_unlocked_by_users_id_fk" FOREIGN KEY ("unlocked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parcel_returns" ADD CONSTRAINT "parcel_returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parcel_returns" ADD CONSTRAINT "parcel_returns_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parcel_returns" ADD CONSTRAINT "parcel_returns_returned_by_users_id_fk" FOREIGN KEY ("returned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "authorizations_point_idx" ON "authorizations" USING btree ("pickup_point_id","valid_until") WHERE "authorizations"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "authorizations_seller_idx" ON "authorizations" USING btree ("seller_id");--> statement-breakpoint
CREATE INDEX "counter_cash_point_day_idx" ON "counter_cash" USING btree ("pickup_point_id","day");--> statement-breakpoint
CREATE INDEX "shipments_package_number_idx" ON "shipments" USING btree ("package_number");