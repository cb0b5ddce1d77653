create table public.notes (id bigint primary key, user_id uuid not null, body text);
-- expect: policy-without-rls
create policy "owners read" on public.notes for select using ((select auth.uid()) = user_id);
create policy "owners write" on public.notes for insert with check ((select auth.uid()) = user_id);

create table public.todos (id bigint primary key, user_id uuid not null);
-- OK: RLS is enabled in a later migration.
create policy "owners read" on public.todos for select using ((select auth.uid()) = user_id);

-- OK: storage.objects is not created by the migrations (Supabase enables its RLS).
create policy "avatars are public" on storage.objects for select using (bucket_id = 'avatars');
