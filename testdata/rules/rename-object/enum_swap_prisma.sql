-- Prisma's rendering of a changed enum (values removed): a new type, the column moved to it,
-- the old type renamed away and dropped, the new one renamed into place. One change: the
-- column's type, reported by column-type-change; the renames and the drop are the swap.
-- AlterEnum
BEGIN;
CREATE TYPE "Plan_new" AS ENUM ('FREE', 'TEAM', 'ENTERPRISE');
-- expect: column-type-change
ALTER TABLE "Workspace" ALTER COLUMN "plan" TYPE "Plan_new" USING ("plan"::text::"Plan_new");
ALTER TYPE "Plan" RENAME TO "Plan_old";
ALTER TYPE "Plan_new" RENAME TO "Plan";
DROP TYPE "Plan_old";
COMMIT;

-- A rename that nothing replaces is still a rename.
-- expect: rename-object
ALTER TYPE "Role" RENAME TO "MemberRole";
