-- expect: drop-object
drop view public.active_users;

-- expect: drop-object
drop materialized view if exists sales_summary;

-- expect: drop-object
drop function public.calc_total(integer, numeric);

-- expect: drop-object
drop type order_status;

-- expect: drop-object
drop sequence invoice_no_seq;

-- expect: drop-object
drop index orders_created_idx;

-- CONCURRENTLY avoids the lock but not the loss of the index; sqlparser cannot read it yet, so
-- migcheck also says it only checked the statement at the token level.
-- expect: drop-object, unparsed-statement
drop index concurrently orders_status_idx;

-- IF EXISTS of an index no migration created: usually defensive, a warning of its own.
-- expect: drop-object-if-exists, unparsed-statement
drop index concurrently if exists orders_total_idx;

-- expect: drop-object
drop trigger set_updated_at on public.orders;

-- expect: drop-object
drop policy "users read own orders" on public.orders;

-- expect: drop-object
alter table public.orders drop constraint orders_total_check;

-- expect: drop-object
drop domain positive_amount;

-- expect: drop-object
drop extension if exists pg_trgm;

-- Objects created in this file are new: dropping them is fine.
create view recent_orders as select 1 as id;
drop view recent_orders;
create index tmp_idx on orders (id);
drop index tmp_idx;
create type tmp_kind as enum ('a', 'b');
drop type tmp_kind;
create table drafts (id int, constraint drafts_id_check check (id > 0));
alter table drafts enable row level security;
create policy "own drafts" on drafts for all to authenticated using (true);
drop policy "own drafts" on drafts;
create policy "own drafts" on drafts for all to authenticated using (true);
alter table drafts drop constraint drafts_id_check;

-- Replacing a function keeps its name: nothing is dropped.
create or replace function public.calc_tax(a integer, b numeric) returns numeric
language sql as $$ select a * b $$;

select 'drop view active_users';
