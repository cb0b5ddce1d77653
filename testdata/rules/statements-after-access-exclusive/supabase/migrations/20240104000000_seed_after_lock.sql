set lock_timeout = '5s';
alter table public.orders add column region text;
-- An INSERT keeps no syntax tree; it is known by its first word.
-- expect: statements-after-access-exclusive
insert into public.orders (id, region) values (1, 'eu');
