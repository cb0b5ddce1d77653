create table public.notes (id bigint primary key, user_id uuid, org_id bigint);
alter table public.notes enable row level security;

-- expect: policy-calls-auth-per-row
create policy notes_select on public.notes for select to authenticated
  using (auth.uid() = user_id);

-- OK: wrapped, evaluated once per statement.
create policy notes_insert on public.notes for insert to authenticated
  with check ((select auth.uid()) = user_id);

-- Inside a subquery that reads a table the call still runs per row.
-- expect: policy-calls-auth-per-row
create policy notes_update on public.notes for update to authenticated
  using (exists (select 1 from public.members m where m.org_id = notes.org_id and m.user_id = auth.uid()))
  with check (current_setting('app.tenant')::bigint = org_id);

-- Replaced later in the set by a wrapped one: judged as it ends up.
create policy notes_delete on public.notes for delete to authenticated
  using (auth.jwt() ->> 'role' = 'admin');
drop policy notes_delete on public.notes;
create policy notes_delete on public.notes for delete to authenticated
  using ((select auth.jwt()) ->> 'role' = 'admin');
