-- migrate:up transaction:false
create index concurrently jobs_id_state_idx on jobs (id, state);

-- migrate:down
drop index jobs_id_state_idx;
