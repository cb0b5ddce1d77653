-- peer: safe-pg-migrations Safe remove_index
-- catch: require-concurrent-index-drop
drop index public.index_users_on_email;
