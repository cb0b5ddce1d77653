-- peer: squawk prefer-bigint-over-int
-- out-of-scope: style: a 32-bit key is not a migration hazard (it becomes one years later)
create table public.counters (id int primary key);
alter table public.counters enable row level security;
