-- migrate:up
/* migrate:down */
-- migrate:downgrade x
drop table a;
-- migrate:down
-- notedrop table b;
insert into t (begin, atomic) values (1, 2); drop table c;
create procedure p() language sql begin atomic select 1; end;
select E'a\''
  'b\';drop table d;';
do $$ begin execute $q$drop table e$q$; execute E'drop table f'; execute 'drop ' || 'table g'; end $$;
\set x 1
copy t from stdin;
1;
\.
set standard_conforming_strings = off;
select 'a\';';
select 1;  junk
drop table h;
