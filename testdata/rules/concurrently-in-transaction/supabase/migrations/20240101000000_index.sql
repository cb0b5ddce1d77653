-- OK: the Supabase CLI sends each file as one pipeline (supabase/cli pkg/migration/file.go,
-- MigrationFile.ExecBatch); PostgreSQL runs a statement that refuses transaction blocks, and
-- commits it at once, when it is the first statement of the pipeline.
create index concurrently orders_customer_id_idx on public.orders (customer_id);
