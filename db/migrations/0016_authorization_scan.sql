ALTER TABLE "authorizations" ADD COLUMN "scan_hash" text;--> statement-breakpoint
ALTER TABLE "authorizations" ADD COLUMN "scan_bytes" integer;--> statement-breakpoint
ALTER TABLE "authorizations" ADD COLUMN "scan_uploaded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorizations" ADD COLUMN "scan_uploaded_by" uuid;--> statement-breakpoint
ALTER TABLE "authorizations" ADD CONSTRAINT "authorizations_scan_uploaded_by_users_id_fk" FOREIGN KEY ("scan_uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;