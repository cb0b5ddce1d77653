-- peer: strong_migrations adding a foreign key
alter table public.users add constraint users_team_fk foreign key (team_id) references public.teams (id) not valid;
