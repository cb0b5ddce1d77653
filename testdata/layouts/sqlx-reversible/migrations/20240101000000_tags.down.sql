drop table tags;
