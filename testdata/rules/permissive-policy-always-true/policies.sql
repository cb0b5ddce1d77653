-- expect: permissive-policy-always-true
create policy "anyone can update" on public.profiles for update to authenticated using (true);

-- expect: permissive-policy-always-true
create policy "open" on public.profiles using (1 = 1);

-- expect: permissive-policy-always-true
create policy "anon inserts" on public.feedback as permissive for insert to anon with check (true);

-- OK: public read is often intended.
create policy "readable" on public.profiles for select using (true);

-- OK: restrictive policies only narrow access.
create policy "narrow" on public.profiles as restrictive for all to authenticated using (true);

-- OK: a real condition.
create policy "own row" on public.profiles for update to authenticated using ((select auth.uid()) = id);

-- OK: not a client role.
create policy "service" on public.profiles for all to service_role using (true);
