drop index posts_id_title_idx;
