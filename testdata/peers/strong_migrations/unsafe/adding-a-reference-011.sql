-- peer: strong_migrations adding a reference
-- catch: constraint-without-not-valid
alter table public.users add column team_id bigint references public.teams (id);
