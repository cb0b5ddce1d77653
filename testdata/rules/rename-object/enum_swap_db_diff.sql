-- `supabase db diff` (migra) recreates an enum under the same name: the old type is renamed
-- to `<name>__old_version_to_be_dropped`, the new one created, the columns moved, the old one
-- dropped. Only the column type change is reported.
alter table "public"."tickets" alter column "priority" drop default;

alter type "public"."ticket_priority" rename to "ticket_priority__old_version_to_be_dropped";

create type "public"."ticket_priority" as enum ('low', 'normal', 'high', 'urgent');

-- expect: column-type-change
alter table "public"."tickets" alter column priority type "public"."ticket_priority" using priority::text::"public"."ticket_priority";

alter table "public"."tickets" alter column "priority" set default 'normal'::"public"."ticket_priority";

drop type "public"."ticket_priority__old_version_to_be_dropped";

-- Renamed away but never dropped: the old type lives on under another name.
-- expect: rename-object
alter type "public"."ticket_state" rename to "ticket_state_legacy";
create type "public"."ticket_state" as enum ('open', 'closed');

-- Dropping a type nobody renamed is a real drop.
-- expect: drop-object
drop type "public"."ticket_kind__old_version_to_be_dropped";
