-- migrate:up
truncate events;

-- migrate:down
drop table if exists events_backup;
