-- The policy comes one migration later: the set as a whole is fine.
create policy "read items" on public.items for select to authenticated using (true);
