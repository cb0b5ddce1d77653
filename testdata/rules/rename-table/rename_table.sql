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
