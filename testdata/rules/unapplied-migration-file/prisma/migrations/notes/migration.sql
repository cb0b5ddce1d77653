-- expect-file: unapplied-migration-file
-- A migration folder without a timestamp is never applied by Prisma.
select 1;
