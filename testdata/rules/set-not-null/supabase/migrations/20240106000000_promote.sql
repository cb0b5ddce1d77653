create unique index tags_name_key on public.tags (name);
create unique index labels_slug_key on public.labels (slug);
