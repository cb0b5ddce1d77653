-- expect: require-concurrent-index-drop
drop index if exists public.payments_due_idx;
