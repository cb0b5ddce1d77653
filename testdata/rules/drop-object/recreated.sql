-- Dropping and creating the same object again in one file replaces it: not reported.
drop policy if exists "members read projects" on public.projects;
create policy "members read projects" on public.projects
  for select to authenticated
  using (member_id = (select auth.uid()));

drop trigger if exists projects_touch on public.projects;
create trigger projects_touch before update on public.projects
  for each row execute function public.touch();

alter table public.tasks drop constraint tasks_project_id_fkey;
alter table public.tasks add constraint tasks_project_id_fkey
  foreign key (project_id) references public.projects (id) on delete cascade not valid;

-- Replaced under another name: the old policy is gone, which a reviewer must see.
-- expect: drop-object
drop policy "owners manage projects" on public.projects;
create policy "admins manage projects" on public.projects
  for all to authenticated
  using ((select auth.jwt() ->> 'role') = 'admin');

-- Dropped and added again in one statement: a replacement.
alter table public.tasks drop constraint tasks_title_check,
  add constraint tasks_title_check check (length(title) < 200) not valid;

-- Dropped in one statement and added under another name: the old one is gone.
-- expect: drop-object
alter table public.tasks drop constraint tasks_due_check,
  add constraint tasks_due_at_check check (due_at > created_at) not valid;
