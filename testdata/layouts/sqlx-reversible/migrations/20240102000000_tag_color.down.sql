alter table tags drop column color;
