-- expect: rename-table
alter table public.orders rename to purchases;

-- expect: rename-table
ALTER TABLE IF EXISTS "LineItem" RENAME TO line_items;

-- A table created in this file can still be renamed: nobody uses it yet.
create table tmp_import (id int);
alter table tmp_import rename to imports;
alter table imports enable row level security;
create policy "read imports" on imports for select to authenticated using (true);

-- Renaming a column or a constraint is not renaming the table.
alter table imports rename column id to import_id;

do $$
begin
  -- expect: rename-table
  alter table carts rename to baskets;
end
$$;

select 'alter table orders rename to x';

-- The first step of a rebuild (renamed away, recreated, copied, dropped): drop-table reports the
-- rebuild once; the rename is part of it.
alter table public.shipments rename to shipments_old;
create table public.shipments (id bigint primary key, sent_at timestamptz);
insert into public.shipments select id, sent_at from public.shipments_old;
-- expect: drop-table
drop table public.shipments_old;
