-- peer: squawk require-concurrent-partition-detach
-- catch: table-rewrite-command
alter table public.measurements detach partition public.measurements_2023;
