ALTER TABLE "users" ADD COLUMN "token_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Phones move to E.164 (src/lib/phone.ts): national 0xxxxxxxxx / 0xxxxxxxxxx forms gain +84.
-- Anything else (an order's phone Postmart sent in an unreadable form) stays as it was.
UPDATE "users" SET "phone" = '+84' || substr("phone", 2) WHERE "phone" ~ '^0[1-9][0-9]{8,9}$';--> statement-breakpoint
UPDATE "sellers" SET "phone" = '+84' || substr("phone", 2) WHERE "phone" ~ '^0[1-9][0-9]{8,9}$';--> statement-breakpoint
UPDATE "orders" SET "recipient_phone" = '+84' || substr("recipient_phone", 2) WHERE "recipient_phone" ~ '^0[1-9][0-9]{8,9}$';
