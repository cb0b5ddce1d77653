do $$
begin
  if not exists (select 1 from pg_type where typname = 'event_kind') then
    create type event_kind as enum ('click', 'view');
  end if;
end
$$;

create table events (
  id integer primary key,
  kind event_kind not null,
  name varchar(100) not null
);

insert into events values (1, 'click', 'first');
