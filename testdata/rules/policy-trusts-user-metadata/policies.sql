-- expect: policy-trusts-user-metadata
create policy "admins read all" on public.orders for select to authenticated
  using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');

-- expect: policy-trusts-user-metadata
create policy "team members" on public.projects for select to authenticated
  using (team_id = (select (raw_user_meta_data ->> 'team_id')::uuid from auth.users where id = auth.uid()));

-- OK: app_metadata is only writable by the service role.
create policy "admins write" on public.orders for update to authenticated
  using ((auth.jwt() -> 'app_metadata' ->> 'role') = 'admin');

-- OK here: `private` is not served by the Data API (exposed_schemas in migcheck.toml).
create policy "workers read jobs" on private.jobs for select to authenticated
  using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'worker');
