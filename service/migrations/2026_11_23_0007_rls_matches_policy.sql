-- Row-level security says what service/auth/policy.py says, so that a slip in one
-- layer is still caught by the other:
-- - auditors (audit:read) report no funds, loans or bonds, as they write no figures;
-- - a region may only SUBMIT its own period; certifying and reopening (any other
--   status) is for a principal of a region above it.

create or replace function anju_may_report(region text) returns boolean
    language sql stable
    as $$
        select anju_has_scope('figures:report') and not anju_has_scope('audit:read')
           and region = anju_claim('region')
    $$;

create or replace function anju_may_set_period(region text, new_status text) returns boolean
    language sql stable
    as $$
        select not anju_has_scope('audit:read') and (
            (new_status = 'SUBMITTED' and anju_has_scope('figures:report')
                and region = anju_claim('region'))
            or (anju_has_scope('periods:certify')
                and anju_is_ancestor(anju_claim('region'), region, true)))
    $$;

drop policy reporting_periods_write on reporting_periods;
create policy reporting_periods_insert on reporting_periods for insert
    with check (anju_may_set_period(region_code, status));
create policy reporting_periods_update on reporting_periods for update
    using (anju_may_move_period(region_code))
    with check (anju_may_set_period(region_code, status));
