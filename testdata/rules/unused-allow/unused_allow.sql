-- The statement below drops nothing: the directive silences nothing.
-- expect-next-line: unused-allow
-- migcheck:allow drop-table reason: cleaning up
create table public.notes (id bigint primary key);
alter table public.notes enable row level security;
create policy "read notes" on public.notes for select to authenticated using (true);

-- The directive names the wrong rule: the column drop is reported and the directive unused.
-- expect-next-line: unused-allow
-- migcheck:allow drop-table reason: unused since v2
-- expect: drop-column
alter table orders drop column note;

-- A directive covers only the statement right after it.
-- expect-next-line: unused-allow
-- migcheck:allow truncate-table reason: cache table, refilled on boot
select 1;
-- expect: truncate-table
truncate cache;

-- A file-wide directive for a rule that never fires here.
-- expect-next-line: unused-allow
-- migcheck:allow-file disable-rls reason: this file never disables anything

-- A directive that silences a finding is used.
-- migcheck:allow drop-column reason: moved to order_notes in release 9
alter table orders drop column comment;

-- One directive, two rules, both used.
-- migcheck:allow drop-column, rename-column reason: the view layer hides both
alter table orders drop column a, rename column b to c;
