-- peer: strong_migrations removing an index non-concurrently
-- catch: require-concurrent-index-drop
drop index public.users_email_idx;
