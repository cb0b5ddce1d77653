-- expect: column-type-change
alter table public.inventory_actions alter column units type bigint;

-- expect: column-type-change
ALTER TABLE orders ALTER COLUMN total SET DATA TYPE numeric(12, 2) USING total::numeric;

-- expect: column-type-change
alter table orders alter "customerNote" type varchar(200);

-- Not a type change.
alter table orders alter column status set default 'new';
alter table orders alter column status set not null;

-- New columns and new tables may change freely.
alter table orders add column ref text;
alter table orders alter column ref type varchar(40);
create table drafts (id int, body text);
alter table drafts alter column body type jsonb using body::jsonb;
alter table drafts enable row level security;
create policy "own drafts" on drafts for all to authenticated using (true);

do $$
begin
  -- expect: column-type-change
  alter table orders alter column placed_at type timestamptz;
end
$$;

