begin;
set local lock_timeout to '3s';
-- OK: SET LOCAL counts too.
create policy "owners read" on public.orders for select using ((select auth.uid()) = user_id);
commit;
