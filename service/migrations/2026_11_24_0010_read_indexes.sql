-- Indexes for the hot reads at national scale, so that each reads only the rows it
-- returns. Figures of a region, a subtree or the nested tree (with or without year,
-- programme, indicator and kind) use the unique key (region_code, year, indicator_id,
-- kind); one indicator across the nation uses figures_indicator_year_idx.

-- The year a document's values belong to (consistency report, milestones): a probe
-- per stated value or milestone instead of a scan of every imported row. Year first,
-- so that the first year of a document is the first entry; the annex and region
-- lookups of a stated value stop at their first match within that document.
create index figure_revisions_document_idx
    on figure_revisions (document_id, year, annex, region_code) where document_id is not null;
create index fund_accounts_document_idx
    on fund_accounts (document_id, year, annex, region_code) where document_id is not null;
create index loan_facilities_document_idx
    on loan_facilities (document_id, year, annex, region_code) where document_id is not null;
create index bond_issues_document_idx
    on bond_issues (document_id, year, annex, region_code) where document_id is not null;

-- Statistics of the figures' region column are skewed by a national load; a larger
-- sample keeps the planner's estimates per region close.
alter table figures alter column region_code set statistics 1000;
