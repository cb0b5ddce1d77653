alter table tags add column color text;
