-- migrate:up
create index concurrently jobs_state_idx on jobs (state);

-- migrate:down
drop index jobs_state_idx;
