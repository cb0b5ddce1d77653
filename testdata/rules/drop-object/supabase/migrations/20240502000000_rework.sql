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
