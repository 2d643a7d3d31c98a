-- Writes: the rules are checked in the service and again here, by row-level
-- security; every change is recorded by triggers, so no write escapes the history.

-- The role the service writes as. It owns nothing, so row-level security applies to
-- it; a write session does `set local role anju_app` (or logs in as it).
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'anju_app') then
        create role anju_app nologin;
    end if;
end
$$;

alter table figures add column source_principal text;

-- The caller's claims, set per transaction with set_config(name, value, true).
create function anju_claim(name text) returns text
    language sql stable
    as $$ select nullif(current_setting('anju.' || name, true), '') $$;

create function anju_has_scope(scope text) returns boolean
    language sql stable
    as $$ select scope = any (string_to_array(coalesce(anju_claim('scopes'), ''), ' ')) $$;

create function anju_is_ancestor(ancestor text, code text, strict boolean) returns boolean
    language sql stable
    as $$
        with recursive up (code, parent_code) as (
            select r.code, r.parent_code from regions r where r.code = $2
            union all
            select r.code, r.parent_code from regions r join up on r.code = up.parent_code)
        select ($1 = $2 and not $3) or exists (select 1 from up where up.parent_code = $1)
    $$;

-- ACTUAL figures: only a principal of that same region. TARGET (and 增补): only a
-- principal of a strict ancestor. Auditors write no figures.
create function anju_may_write_figure(region text, kind text) returns boolean
    language sql stable
    as $$
        select not anju_has_scope('audit:read') and case
            when kind = 'ACTUAL' then anju_has_scope('figures:report') and region = anju_claim('region')
            else anju_has_scope('targets:assign') and anju_is_ancestor(anju_claim('region'), region, true)
        end
    $$;

-- Funds, loans and bonds of a region: reported by that region.
create function anju_may_report(region text) returns boolean
    language sql stable
    as $$ select anju_has_scope('figures:report') and region = anju_claim('region') $$;

-- Rectification: recorded by an auditor for its own region or any below it.
create function anju_may_record_rectification(region text) returns boolean
    language sql stable
    as $$
        select anju_has_scope('rectification:record')
           and anju_is_ancestor(anju_claim('region'), region, false)
    $$;

create table figure_revisions (
    id               bigserial primary key,
    figure_id        bigint  not null references figures (id),
    region_code      text    not null,
    year             int     not null,
    indicator_id     int     not null,
    kind             text    not null,
    revision         int     not null,
    old_value        numeric,
    value            numeric not null,
    changed_at       timestamptz not null default now(),
    principal        text,               -- null: imported from document_id
    acting_region    text,
    reason           text    not null,
    request_id       text,
    document_id      int references documents (id),
    annex            int,
    source_line      int,
    unique (figure_id, revision)
);
create index figure_revisions_region_idx on figure_revisions (region_code, changed_at);

-- One row per change of any other writable table.
create table audit_log (
    id            bigserial primary key,
    changed_at    timestamptz not null default now(),
    entity        text  not null,
    region_code   text  not null,
    action        text  not null check (action in ('INSERT', 'UPDATE', 'DELETE')),
    old_row       jsonb,
    new_row       jsonb,
    principal     text,
    acting_region text,
    reason        text  not null,
    request_id    text
);
create index audit_log_region_idx on audit_log (region_code, changed_at);

create function anju_write_reason(document_id int) returns text
    language plpgsql stable
    as $$
    declare
        reason text := anju_claim('reason');
    begin
        if reason is null and document_id is not null then
            select 'imported from ' || d.number into reason from documents d where d.id = document_id;
        end if;
        if reason is null then
            raise exception 'a write needs a reason' using errcode = 'check_violation';
        end if;
        return reason;
    end
    $$;

-- Revision numbers are kept here so that no writer can forget or fake them.
create function anju_bump_revision() returns trigger
    language plpgsql
    as $$
    begin
        new.revision := old.revision + 1;
        new.updated_at := now();
        return new;
    end
    $$;

create trigger figures_bump_revision before update on figures
    for each row when (old.value is distinct from new.value) execute function anju_bump_revision();

-- security definer: the writing role records history without being able to write it.
create function anju_record_figure_revision() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    begin
        if tg_op = 'UPDATE' and old.value is not distinct from new.value then
            return new;
        end if;
        insert into figure_revisions (
            figure_id, region_code, year, indicator_id, kind, revision, old_value, value,
            principal, acting_region, reason, request_id, document_id, annex, source_line)
        values (
            new.id, new.region_code, new.year, new.indicator_id, new.kind, new.revision,
            case when tg_op = 'UPDATE' then old.value end, new.value,
            anju_claim('principal'), anju_claim('region'), anju_write_reason(new.document_id),
            anju_claim('request_id'), new.document_id, new.annex, new.source_line);
        return new;
    end
    $$;

create trigger figures_history after insert or update on figures
    for each row execute function anju_record_figure_revision();

create function anju_record_change() returns trigger
    language plpgsql security definer set search_path = public
    as $$
    declare
        row_new jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
        row_old jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
        row_any jsonb := coalesce(row_new, row_old);
        region text := row_any ->> 'region_code';
        document int := (row_any ->> 'document_id')::int;
    begin
        if region is null then  -- fund_flows belong to an account
            select a.region_code, a.document_id into region, document from fund_accounts a
            where a.id = (row_any ->> 'account_id')::int;
        end if;
        insert into audit_log (entity, region_code, action, old_row, new_row,
                               principal, acting_region, reason, request_id)
        values (tg_table_name, region, tg_op, row_old, row_new, anju_claim('principal'),
                anju_claim('region'), anju_write_reason(document),
                anju_claim('request_id'));
        return null;
    end
    $$;

create trigger fund_accounts_audit after insert or update or delete on fund_accounts
    for each row execute function anju_record_change();
create trigger fund_flows_audit after insert or update or delete on fund_flows
    for each row execute function anju_record_change();
create trigger loan_facilities_audit after insert or update or delete on loan_facilities
    for each row execute function anju_record_change();
create trigger bond_issues_audit after insert or update or delete on bond_issues
    for each row execute function anju_record_change();
create trigger rectification_tallies_audit after insert or update or delete on rectification_tallies
    for each row execute function anju_record_change();

-- History of figures imported before this migration starts with their document.
insert into figure_revisions (figure_id, region_code, year, indicator_id, kind, revision,
                              value, changed_at, reason, document_id, annex, source_line)
select f.id, f.region_code, f.year, f.indicator_id, f.kind, f.revision, f.value, f.updated_at,
       'imported from ' || coalesce(d.number, 'unknown document'), f.document_id, f.annex, f.source_line
from figures f left join documents d on d.id = f.document_id;

-- A retried request (same principal and Idempotency-Key) returns the first result.
create table idempotency_keys (
    principal    text  not null,
    key          text  not null,
    request_hash text  not null,
    status       int,
    response     jsonb,
    created_at   timestamptz not null default now(),
    primary key (principal, key)
);

grant usage on schema public to anju_app;
grant select on all tables in schema public to anju_app;
grant insert, update on figures, fund_accounts, fund_flows, loan_facilities, bond_issues,
    rectification_tallies to anju_app;
grant select, insert, update on idempotency_keys to anju_app;
grant usage on all sequences in schema public to anju_app;

alter table figures enable row level security;
create policy figures_read on figures for select using (true);
create policy figures_insert on figures for insert
    with check (anju_may_write_figure(region_code, kind));
create policy figures_update on figures for update
    using (anju_may_write_figure(region_code, kind))
    with check (anju_may_write_figure(region_code, kind));

alter table fund_accounts enable row level security;
create policy fund_accounts_read on fund_accounts for select using (true);
create policy fund_accounts_write on fund_accounts for all
    using (anju_may_report(region_code)) with check (anju_may_report(region_code));

alter table fund_flows enable row level security;
create policy fund_flows_read on fund_flows for select using (true);
create policy fund_flows_write on fund_flows for all
    using (anju_may_report((select a.region_code from fund_accounts a where a.id = account_id)))
    with check (anju_may_report((select a.region_code from fund_accounts a where a.id = account_id)));

alter table loan_facilities enable row level security;
create policy loan_facilities_read on loan_facilities for select using (true);
create policy loan_facilities_write on loan_facilities for all
    using (anju_may_report(region_code)) with check (anju_may_report(region_code));

alter table bond_issues enable row level security;
create policy bond_issues_read on bond_issues for select using (true);
create policy bond_issues_write on bond_issues for all
    using (anju_may_report(region_code)) with check (anju_may_report(region_code));

alter table rectification_tallies enable row level security;
create policy rectification_read on rectification_tallies for select using (true);
create policy rectification_write on rectification_tallies for all
    using (anju_may_record_rectification(region_code))
    with check (anju_may_record_rectification(region_code));

alter table idempotency_keys enable row level security;
create policy idempotency_own on idempotency_keys for all
    using (principal = anju_claim('principal')) with check (principal = anju_claim('principal'));
