-- peer: strong_migrations adding a foreign key
-- catch: constraint-without-not-valid
alter table public.users add constraint users_team_fk foreign key (team_id) references public.teams (id);
