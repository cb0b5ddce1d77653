-- peer: squawk require-concurrent-partition-detach
alter table public.measurements detach partition public.measurements_2023 concurrently;
