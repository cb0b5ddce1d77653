-- Creating a policy takes an ACCESS EXCLUSIVE lock on its table.
-- expect: lock-timeout-missing
create policy "owners read" on public.orders for select using ((select auth.uid()) = user_id);
