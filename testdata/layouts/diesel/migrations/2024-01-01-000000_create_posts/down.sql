DROP TABLE drafts;
DROP TABLE posts;
