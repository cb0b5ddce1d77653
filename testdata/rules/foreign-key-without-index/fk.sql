create table public.teams (id bigint primary key);

-- expect: foreign-key-without-index
create table public.members (
  id bigint primary key,
  team_id bigint not null references public.teams (id)
);

-- OK: the primary key starts with the foreign key's column.
create table public.team_settings (
  team_id bigint primary key references public.teams (id),
  theme text
);

-- OK: an index created later in the same file covers it.
create table public.projects (
  id bigint primary key,
  team_id bigint references public.teams (id)
);
create index projects_team_id_idx on public.projects (team_id, id);

-- OK: a unique constraint whose leading columns are the key's, in another order.
create table public.grants (
  project_id bigint not null,
  team_id bigint not null,
  role text,
  unique (team_id, project_id, role),
  foreign key (project_id, team_id) references public.projects (id, team_id)
);

-- A second column of an index does not count.
create table public.comments (id bigint primary key, author_id bigint, project_id bigint);
create index comments_project_author_idx on public.comments (project_id, author_id);
-- expect: foreign-key-without-index
alter table public.comments add constraint comments_author_fkey foreign key (author_id) references public.members (id);

-- OK: the key is dropped later in the file.
create table public.labels (id bigint primary key, team_id bigint);
alter table public.labels add constraint labels_team_fkey foreign key (team_id) references public.teams (id);
alter table public.labels drop constraint labels_team_fkey;

-- A table the set did not create: its indexes are unknown, so nothing is said.
alter table public.legacy add constraint legacy_team_fkey foreign key (team_id) references public.teams (id);
