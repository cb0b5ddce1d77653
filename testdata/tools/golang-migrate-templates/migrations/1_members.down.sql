drop table if exists {{ index .Options "Namespace" }}.members;
