create index concurrently posts_title_idx on posts (title);
