-- expect: rename-column
alter table public.inventory_actions rename column quantity to units;

-- Without the COLUMN keyword.
-- expect: rename-column
ALTER TABLE "Session" RENAME "userId" TO user_id;

-- A column added in this file is still unused: renaming it is fine.
alter table public.inventory_actions add column note text;
alter table public.inventory_actions rename column note to notes;

create table drafts (id int, body text);
alter table drafts rename column body to content;
alter table drafts enable row level security;
create policy "own drafts" on drafts for all to authenticated using (true);

do $$
begin
  -- expect: rename-column
  alter table orders rename column total to amount;
end
$$;

-- migcheck:allow rename-column reason: the app reads through a view that already uses the new name
alter table orders rename column ref to reference;

-- A view's columns are read like a table's.
-- expect: rename-column
alter view order_totals rename column total to amount;
