-- Reporting periods (draft → submitted → certified) and the changes feed.

-- A region's ACTUAL figures of one year form a period. Certified figures are locked
-- until a principal of an ancestor region reopens the period.
create table reporting_periods (
    region_code text not null references regions (code),
    year        int  not null check (year between 1990 and 2100),
    status      text not null default 'DRAFT' check (status in ('DRAFT', 'SUBMITTED', 'CERTIFIED')),
    updated_at  timestamptz not null default now(),
    primary key (region_code, year)
);

create function anju_period_certified(region text, period_year int) returns boolean
    language sql stable
    as $$
        select exists (select 1 from reporting_periods p
                       where p.region_code = region and p.year = period_year
                         and p.status = 'CERTIFIED')
    $$;

-- The region submits its own period; a principal of a strict ancestor certifies or
-- reopens it. The service checks which move is which; the database checks who.
create function anju_may_move_period(region text) returns boolean
    language sql stable
    as $$
        select (anju_has_scope('figures:report') and region = anju_claim('region'))
            or (anju_has_scope('periods:certify') and anju_is_ancestor(anju_claim('region'), region, true))
    $$;

grant select, insert, update on reporting_periods to anju_app;
alter table reporting_periods enable row level security;
create policy reporting_periods_read on reporting_periods for select using (true);
create policy reporting_periods_write on reporting_periods for all
    using (anju_may_move_period(region_code)) with check (anju_may_move_period(region_code));

create trigger reporting_periods_audit after insert or update or delete on reporting_periods
    for each row execute function anju_record_change();

-- Certified ACTUAL figures are locked in the database too.
drop policy figures_insert on figures;
drop policy figures_update on figures;
create policy figures_insert on figures for insert
    with check (anju_may_write_figure(region_code, kind)
                and not (kind = 'ACTUAL' and anju_period_certified(region_code, year)));
create policy figures_update on figures for update
    using (anju_may_write_figure(region_code, kind))
    with check (anju_may_write_figure(region_code, kind)
                and not (kind = 'ACTUAL' and anju_period_certified(region_code, year)));

-- The changes feed reads both history tables in transaction order. A change is
-- published only once every transaction that started before it has finished
-- (txid below the reader's snapshot xmin), so a consumer following the cursor never
-- misses a change that commits late, and never sees one twice.
alter table figure_revisions add column txid xid8 not null default pg_current_xact_id();
alter table audit_log add column txid xid8 not null default pg_current_xact_id();
create index figure_revisions_feed_idx on figure_revisions (txid, id);
create index audit_log_feed_idx on audit_log (txid, id);
