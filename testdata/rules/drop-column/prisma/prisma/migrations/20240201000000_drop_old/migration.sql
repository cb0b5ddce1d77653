-- Prisma Migrate starts from an empty database: no migration added "legacyTotal", so the
-- column is not there and PostgreSQL skips the drop (issue 28 items 2 and 9).
ALTER TABLE "Invoice" DROP COLUMN IF EXISTS "legacyTotal";

-- A column the set created is dropped for real.
-- expect: drop-column
ALTER TABLE "Invoice" DROP COLUMN IF EXISTS "total";
