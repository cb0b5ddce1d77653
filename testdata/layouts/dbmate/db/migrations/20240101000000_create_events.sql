-- migrate:up
create table events (id bigserial primary key, payload jsonb);

-- migrate:down
drop table events;
