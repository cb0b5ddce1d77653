-- expect: drop-column
alter table public.orders drop column legacy_total;

-- expect: drop-column
ALTER TABLE orders DROP COLUMN IF EXISTS "discountCode" CASCADE;

-- Without the COLUMN keyword it is still a column.
-- expect: drop-column
alter table orders drop note;

-- Several actions in one statement.
-- expect: drop-column
alter table orders add column tags text[], drop column labels;

-- Dropping a default or a NOT NULL is not dropping a column.
alter table orders alter column status drop default;
alter table orders alter column status drop not null;

-- A column added earlier in this file is new: dropping it is fine.
alter table orders add column scratch int;
alter table orders drop column scratch;

-- A column of a table created in this file is new too.
create table carts (id int, tmp text);
alter table carts enable row level security;
create policy "own carts" on carts for all to authenticated using (true);
alter table carts drop column tmp;

-- A DO block body runs during the migration.
do $$
begin
  -- expect: drop-column
  alter table orders drop column coupon;
exception when undefined_column then
  null;
end
$$;

-- Text only.
select 'alter table orders drop column x';

-- migcheck:allow drop-column reason: moved to order_items in release 12; no reader since
alter table orders drop column items_json;

-- IF EXISTS of a column that a table created in this file never had: PostgreSQL skips it
-- (issue 28 item 2).
create table wishlists (id int primary key, owner uuid);
alter table wishlists enable row level security;
create policy "own wishlists" on wishlists for all to authenticated using (true);
alter table wishlists drop column if exists note;
