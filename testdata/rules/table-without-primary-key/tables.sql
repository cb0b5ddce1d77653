-- expect: table-without-primary-key
create table public.page_views (path text not null, viewed_at timestamptz not null);

-- OK: column primary key.
create table public.a (id bigint primary key);
-- OK: table constraint (Prisma style).
CREATE TABLE "B" ("id" TEXT NOT NULL, CONSTRAINT "B_pkey" PRIMARY KEY ("id"));
-- OK: added later in the file.
create table public.c (id bigint not null);
alter table public.c add primary key (id);
-- OK: CREATE TABLE AS and partitions.
create table public.d as select 1 as x;
create table public.measurements_2024 partition of public.measurements for values from ('2024-01-01') to ('2025-01-01');

-- Prisma's implicit many-to-many table: no primary key, but a unique index over NOT NULL
-- columns identifies every row (prisma-engines renders `_AB_unique` for such relations).
CREATE TABLE "_CategoryToPost" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
CREATE UNIQUE INDEX "_CategoryToPost_AB_unique" ON "_CategoryToPost"("A", "B");
CREATE INDEX "_CategoryToPost_B_index" ON "_CategoryToPost"("B");

-- OK: a UNIQUE constraint over NOT NULL columns.
create table public.memberships (
  user_id uuid not null,
  team_id uuid not null,
  unique (user_id, team_id)
);
-- OK: a UNIQUE NOT NULL column.
create table public.slugs (slug text not null unique, target text);
-- OK: a unique constraint added later in the file.
create table public.tags_posts (tag_id bigint not null, post_id bigint not null);
alter table public.tags_posts add constraint tags_posts_key unique (tag_id, post_id);

-- A unique index over a nullable column does not identify rows: NULLs repeat.
-- expect: table-without-primary-key
create table public.emails (address text unique, note text);
-- expect: table-without-primary-key
create table public.visits (user_id uuid, page text not null);
create unique index visits_key on public.visits (user_id, page);
-- An expression index is no key either.
-- expect: table-without-primary-key
create table public.names (name text not null);
create unique index names_lower on public.names (lower(name));
