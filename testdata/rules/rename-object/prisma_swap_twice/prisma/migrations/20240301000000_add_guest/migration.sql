-- The enum swap of issue 28 item 4, once per migration: after the first swap the column's type
-- is `Role` again (the set follows `ALTER TYPE "Role_new" RENAME TO "Role"` into the column),
-- so the second swap is a type change like the first, not "already `role_new`", and its
-- renames are the swap's own (`Role_new` is created by this file, not the first one).
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN', 'OWNER', 'GUEST');
ALTER TABLE "Member" ALTER COLUMN "role" DROP DEFAULT;
-- expect: column-type-change
ALTER TABLE "Member" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "Member" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
