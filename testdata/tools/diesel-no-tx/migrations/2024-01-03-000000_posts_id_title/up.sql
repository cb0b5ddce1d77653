create index concurrently posts_id_title_idx on posts (id, title);
