do $$
begin
  if exists (select 1 from information_schema.columns
             where table_schema = '{{ index .Options "Namespace" }}'
               and table_name = 'members' and column_name = 'nickname') then
    alter table "{{ index .Options "Namespace" }}"."members" rename column "nickname" to "handle";
  end if;
  execute 'drop index {{ index .Options "Namespace" }}.members_joined_idx';
end $$;

alter table {{index .Options "Namespace" }}.members alter column joined type timestamptz using joined::timestamptz;
alter table {{- index .Options "Namespace" -}}.members alter column handle set not null;
alter table {{ index .Options "Namespace" }}.members drop column referrer;
alter table {{ index .Options "Namespace" }}.members enable row level security;
