-- Prisma Migrate applies its migrations to an empty database only (`migrate deploy` stops
-- with P3005 on a non-empty one unless the first migration is the baseline): an index no
-- migration created does not exist, and `DROP INDEX IF EXISTS` of it takes no lock.
DROP INDEX IF EXISTS "Order_status_idx";

-- The table went with its indexes, the one created on it and its primary key's: dropping
-- them afterwards does nothing (issue 28 item 2).
DROP TABLE "Draft";
DROP INDEX IF EXISTS "Draft_code_key";
DROP INDEX IF EXISTS "Draft_pkey";

-- A primary key's index goes with the constraint.
ALTER TABLE "Order" DROP CONSTRAINT "Order_pkey";
DROP INDEX IF EXISTS "Order_pkey";

-- An index the set created is dropped for real, IF EXISTS or not.
CREATE INDEX "Order_status_idx" ON "Order"("status");
-- (created in this file: nobody uses it yet)
DROP INDEX IF EXISTS "Order_status_idx";
