CREATE TABLE events (
    `id` String,
    `user_id` Nullable(String),
    `kind` LowCardinality(String)
) ENGINE = MergeTree ORDER BY id;
