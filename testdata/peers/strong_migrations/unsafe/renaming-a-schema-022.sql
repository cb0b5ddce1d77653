-- peer: strong_migrations renaming a schema
-- catch: rename-object
alter schema billing rename to invoicing;
