-- Who read what: one row per request of another system (REST or GraphQL), written
-- in batches by the service and read by auditors. Append-only: the service role may
-- only insert and select, and a trigger refuses every UPDATE, DELETE and TRUNCATE,
-- whoever asks (retention is an owner's deliberate act: disable the trigger in a
-- maintenance transaction).

create table access_log (
    id           bigint generated always as identity primary key,
    at           timestamptz not null,              -- when the request arrived
    principal    text,                              -- token subject; 'anonymous'; null: no valid token
    acting_region text,                             -- the region the principal acts for
    address      inet,                              -- the caller's address
    door         text        not null check (door in ('REST', 'GRAPHQL')),
    operation    text        not null,              -- 'GET /api/v1/figures' or a GraphQL operation name
    root_fields  text[]      not null default '{}', -- GraphQL root fields
    regions      text[]      not null default '{}', -- region codes named in path, query or arguments
    data         text[]      not null default '{}', -- datasets touched (figures, funds, …)
    status       smallint    not null,
    request_id   text        not null,
    duration_ms  integer     not null
);

create index access_log_at on access_log (at desc, id desc);
create index access_log_principal_at on access_log (principal, at desc);
create index access_log_regions on access_log using gin (regions);

create function anju_access_log_append_only() returns trigger
    language plpgsql
    as $$
    begin
        raise exception 'access_log is append-only: % refused', tg_op
            using errcode = 'insufficient_privilege';
    end
    $$;

create trigger access_log_no_update before update or delete on access_log
    for each row execute function anju_access_log_append_only();
create trigger access_log_no_truncate before truncate on access_log
    for each statement execute function anju_access_log_append_only();

grant select, insert on access_log to anju_app;
grant usage on sequence access_log_id_seq to anju_app;
