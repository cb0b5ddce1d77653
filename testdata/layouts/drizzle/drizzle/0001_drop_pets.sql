ALTER TABLE "users" DROP COLUMN IF EXISTS "name";--> statement-breakpoint
DROP TABLE "pets";
