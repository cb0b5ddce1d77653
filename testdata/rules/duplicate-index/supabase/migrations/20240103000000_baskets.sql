alter table public.carts drop constraint carts_user_key;
alter table public.carts rename to baskets;
-- OK: another column list.
create index baskets_id_user_idx on public.baskets (id, user_id);
-- The renamed table keeps its indexes.
-- expect: duplicate-index
create index baskets_user_idx on public.baskets (user_id);

-- A table renamed before its first index keeps its primary key's index.
create table public.wishlists (id bigint primary key);
alter table public.wishlists rename to wishes;
-- expect: duplicate-index
create index wishes_id_idx on public.wishes (id);
