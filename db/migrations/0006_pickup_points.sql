CREATE TABLE "pickup_parcels" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"arrived_at" timestamp with time zone NOT NULL,
	"hold_until" timestamp with time zone NOT NULL,
	"collected_at" timestamp with time zone,
	"collected_by" uuid,
	"return_flagged_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pickup_point_days" (
	"pickup_point_id" uuid NOT NULL,
	"day" date NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "pickup_point_days_pickup_point_id_day_pk" PRIMARY KEY("pickup_point_id","day"),
	CONSTRAINT "pickup_point_days_booked" CHECK ("pickup_point_days"."booked" >= 0)
);
--> statement-breakpoint
CREATE TABLE "pickup_points" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"ward_code" text NOT NULL,
	"address" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"opening_hours" jsonb,
	"opening_hours_text" text,
	"daily_capacity" integer DEFAULT 30 NOT NULL,
	"cold_storage" boolean DEFAULT false NOT NULL,
	"accepts_dropoff" boolean DEFAULT true NOT NULL,
	"buyer_pickup" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"source" text NOT NULL,
	"hold_days" integer DEFAULT 7 NOT NULL,
	"perishable_hold_days" integer DEFAULT 3 NOT NULL,
	"vanished_at" timestamp with time zone,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pickup_points_code_unique" UNIQUE("code"),
	CONSTRAINT "pickup_points_capacity" CHECK ("pickup_points"."daily_capacity" >= 0),
	CONSTRAINT "pickup_points_hold_days" CHECK ("pickup_points"."hold_days" >= 1 AND "pickup_points"."perishable_hold_days" >= 1),
	CONSTRAINT "pickup_points_coordinates" CHECK ("pickup_points"."lat" BETWEEN -90 AND 90 AND "pickup_points"."lng" BETWEEN -180 AND 180)
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"booking_id" uuid NOT NULL,
	"pickup_point_id" uuid NOT NULL,
	"day" date NOT NULL,
	"state" text NOT NULL,
	"package_number" text,
	"failure" text,
	"declared_weight_grams" integer NOT NULL,
	"measured_weight_grams" integer,
	"weight_flagged" boolean DEFAULT false NOT NULL,
	"handed_over_at" timestamp with time zone,
	"handed_over_by" uuid,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pickup_parcels" ADD CONSTRAINT "pickup_parcels_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_parcels" ADD CONSTRAINT "pickup_parcels_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_parcels" ADD CONSTRAINT "pickup_parcels_collected_by_users_id_fk" FOREIGN KEY ("collected_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_point_days" ADD CONSTRAINT "pickup_point_days_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_points" ADD CONSTRAINT "pickup_points_ward_code_communes_code_fk" FOREIGN KEY ("ward_code") REFERENCES "public"."communes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_pickup_point_id_pickup_points_id_fk" FOREIGN KEY ("pickup_point_id") REFERENCES "public"."pickup_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_handed_over_by_users_id_fk" FOREIGN KEY ("handed_over_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pickup_parcels_point_idx" ON "pickup_parcels" USING btree ("pickup_point_id");--> statement-breakpoint
CREATE INDEX "pickup_parcels_waiting_idx" ON "pickup_parcels" USING btree ("hold_until") WHERE "pickup_parcels"."collected_at" IS NULL AND "pickup_parcels"."return_flagged_at" IS NULL;--> statement-breakpoint
CREATE INDEX "pickup_points_lat_lng_idx" ON "pickup_points" USING btree ("lat","lng");--> statement-breakpoint
CREATE INDEX "pickup_points_ward_idx" ON "pickup_points" USING btree ("ward_code");--> statement-breakpoint
CREATE INDEX "shipments_point_day_idx" ON "shipments" USING btree ("pickup_point_id","day");