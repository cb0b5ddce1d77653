-- A service that renders its migrations with Go's text/template before running them.
create table if not exists {{ index .Options "Namespace" }}.members (
    id bigint primary key,
    nickname text,
    joined text,
    referrer bigint
);
create index if not exists members_joined_idx on "{{ index .Options "Namespace" }}"."members" (joined);
