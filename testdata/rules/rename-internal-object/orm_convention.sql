-- A generator moving names to its convention (Prisma: <Table>_pkey): rows and queries are
-- unchanged, SQL that names the constraint is not.
-- expect: rename-internal-object
alter table public.memberships rename constraint memberships_pkey to "Membership_pkey";

-- expect: rename-internal-object
alter index public.memberships_user_idx rename to "Membership_userId_idx";

-- A policy's name is only DDL's: access is unchanged by the rename.
-- expect: rename-internal-object
alter policy "members insert" on public.deploys rename to "deny insert via rbac";

-- Created earlier in the same file: nothing used the old name yet.
create table public.invites (id bigint, email text);
alter table public.invites add constraint invites_pk primary key (id);
alter table public.invites rename constraint invites_pk to "Invite_pkey";
create index invites_email on public.invites (email);
alter index invites_email rename to "Invite_email_idx";

-- Other objects stay the error rename-object.
-- expect: rename-object
alter view public.member_list rename to members_view;
