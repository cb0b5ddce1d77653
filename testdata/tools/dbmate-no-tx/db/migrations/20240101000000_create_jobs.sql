-- migrate:up
create table jobs (id bigint primary key, state text);

-- migrate:down
drop table jobs;
