drop index posts_title_idx;
