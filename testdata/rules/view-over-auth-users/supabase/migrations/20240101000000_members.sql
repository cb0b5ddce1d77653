-- expect: view-over-auth-users, view-without-security-invoker
create view public.members as
  select u.id, u.email from auth.users u;

-- expect: view-over-auth-users
create materialized view public.member_emails as
  select p.id, (select email from auth.users where id = p.id) from public.profiles p;

-- OK: security_invoker views check the caller's privileges on auth.users.
create view public.me with (security_invoker = true) as select id from auth.users where id = auth.uid();

-- OK: not exposed.
create schema if not exists private;
create view private.members as select id, email from auth.users;
