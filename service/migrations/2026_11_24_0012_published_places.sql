-- The decimal places each imported amount was published with (2.29 → 2, 871 → 0).
-- These columns' fixed scales (numeric(18, 2), numeric(18, 4)) would turn 871 into
-- 871.00 and 18.952 into 18.9520, and a derivation needs to know how far the
-- document's rounding may have moved each input. Figures need none: their numeric
-- keeps the scale it was given. Null: not published by a document (written through
-- the service, or loaded before this migration); the stored scale counts then.
alter table fund_accounts
    add column opening_balance_places smallint check (opening_balance_places >= 0),
    add column adjustment_places smallint check (adjustment_places >= 0);
alter table fund_flows
    add column amount_places smallint check (amount_places >= 0);
alter table loan_facilities
    add column credit_line_places smallint check (credit_line_places >= 0),
    add column disbursed_cumulative_places smallint check (disbursed_cumulative_places >= 0),
    add column disbursed_in_year_places smallint check (disbursed_in_year_places >= 0);
alter table bond_issues
    add column amount_places smallint check (amount_places >= 0);

-- A write that changes an amount makes its published places meaningless: forget them
-- (every writer, the service's and any other, goes through this). The arguments name
-- the amount columns; each has a `<column>_places` beside it.
create function anju_forget_published_places() returns trigger
language plpgsql as $$
declare
    amount text;
    old_row jsonb := to_jsonb(old);
    new_row jsonb := to_jsonb(new);
begin
    foreach amount in array tg_argv loop
        if new_row -> amount is distinct from old_row -> amount
           and new_row -> (amount || '_places') is not distinct from old_row -> (amount || '_places')
        then
            new := jsonb_populate_record(new, jsonb_build_object(amount || '_places', null));
        end if;
    end loop;
    return new;
end $$;

create trigger fund_accounts_places before update on fund_accounts for each row
    execute function anju_forget_published_places('opening_balance', 'adjustment');
create trigger fund_flows_places before update on fund_flows for each row
    execute function anju_forget_published_places('amount');
create trigger loan_facilities_places before update on loan_facilities for each row
    execute function anju_forget_published_places(
        'credit_line', 'disbursed_cumulative', 'disbursed_in_year');
create trigger bond_issues_places before update on bond_issues for each row
    execute function anju_forget_published_places('amount');
