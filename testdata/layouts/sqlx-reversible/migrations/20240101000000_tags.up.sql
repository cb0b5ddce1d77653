create table tags (id int primary key, label text);
