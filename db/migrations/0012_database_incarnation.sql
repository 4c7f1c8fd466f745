CREATE TABLE "database_incarnation" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "database_incarnation_one_row" CHECK ("database_incarnation"."singleton")
);
--> statement-breakpoint
-- The row is drawn here, once per database: a fresh database gets a new id, a restored one keeps the dumped row.
INSERT INTO "database_incarnation" DEFAULT VALUES;
