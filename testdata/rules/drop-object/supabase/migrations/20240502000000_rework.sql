-- OK: replaced in the same file by a policy for the same table and command (another name).
drop policy "owners read builds" on public.builds;
create policy "members read builds" on public.builds for select to authenticated using (true);

-- Replaced by a policy for another command: clients lose what the ALL policy granted.
-- expect: drop-object
drop policy "owners manage builds" on public.builds;
create policy "owners insert builds" on public.builds for insert to authenticated
  with check (owner = (select auth.uid()));

-- OK: the index and the trigger go with their table, dropped below: only the table drop is
-- the change to report.
drop index scan_jobs_status_idx;
drop trigger scan_jobs_touch on public.scan_jobs;
-- expect: drop-table
drop table public.scan_jobs;

-- OK: drizzle-kit drops a foreign key and re-adds it under a new name when the table it
-- references is renamed; the same column stays enforced all along.
-- expect: rename-table
alter table public.people_temp rename to people;
alter table public.members drop constraint members_person_id_people_temp_id_fk;
alter table public.members add constraint members_person_id_people_id_fk
  foreign key (person_id) references public.people (id) not valid;

-- A CHECK re-added on another column does not replace it.
-- expect: drop-object
alter table public.members drop constraint members_org_id_check;
alter table public.members add constraint members_person_id_check check (person_id > 0) not valid;

-- Replaced by a deny-all policy for the same command: a lock-down, clients do lose access.
-- expect: drop-object
drop policy "owners delete builds" on public.builds;
create policy "nobody deletes builds" on public.builds as restrictive for delete to authenticated
  using (false);
