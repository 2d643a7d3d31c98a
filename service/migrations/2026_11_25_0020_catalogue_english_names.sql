-- Indicators are named in English as data, like programmes (2026_11_24_0012): the
-- catalogue's CSV holds the names, a catalogue administrator may give one to an indicator
-- or programme added at run time. Rows already stored get the CSV's names here; the load
-- of the catalogue keeps them in step from then on.
alter table indicators add column name_en text;

update indicators i set name_en = k.name_en
from (values
    ('SALE_HOUSING:START:SET', 'Affordable housing for sale: construction started (or units raised)'),
    ('RENTAL_HOUSING:START:SET_OR_ROOM', 'Affordable rental housing: construction started (or units raised)'),
    ('RENTAL_HOUSING:COMPLETION:SET_OR_ROOM', 'Affordable rental housing: construction completed'),
    ('PUBLIC_RENTAL:START:SET', 'Public rental housing: construction started (or units raised)'),
    ('RENT_SUBSIDY:DISBURSEMENT:HOUSEHOLD', 'Urban housing rent subsidies: disbursed'),
    ('URBAN_VILLAGE:START:HOUSEHOLD', 'Urban village redevelopment: construction started (or units raised)'),
    ('URBAN_VILLAGE:START:HOUSEHOLD:DEMOLISH_REBUILD', 'Urban village redevelopment: construction started (or units raised), demolished and rebuilt'),
    ('URBAN_VILLAGE:START:HOUSEHOLD:DEMOLISH_RENOVATE', 'Urban village redevelopment: construction started (or units raised), partly demolished, partly renovated'),
    ('URBAN_VILLAGE:START:HOUSEHOLD:RENOVATE', 'Urban village redevelopment: construction started (or units raised), renovated'),
    ('URBAN_VILLAGE:RESETTLEMENT_START:SET', 'Urban village redevelopment: resettlement housing started'),
    ('SHANTYTOWN:START:SET', 'Shantytown (dilapidated urban housing) redevelopment: construction started (or units raised)'),
    ('SHANTYTOWN:START:SET:CD_DANGEROUS', 'Shantytown (dilapidated urban housing) redevelopment: construction started (or units raised), class C/D dangerous housing'),
    ('SHANTYTOWN:START:SET:NON_SELF_CONTAINED', 'Shantytown (dilapidated urban housing) redevelopment: construction started (or units raised), non-self-contained housing'),
    ('SHANTYTOWN:RESETTLEMENT_START:SET', 'Shantytown (dilapidated urban housing) redevelopment: resettlement housing started'),
    ('SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET', 'Shantytown (dilapidated urban housing) redevelopment: resettlement housing basically completed'),
    ('SHANTYTOWN:BASIC_COMPLETION:SET', 'Shantytown (dilapidated urban housing) redevelopment: basically completed'),
    ('SHANTYTOWN:COMPLETION:SET', 'Shantytown (dilapidated urban housing) redevelopment: construction completed'),
    ('OLD_COMMUNITY:START:COMMUNITY', 'Old urban residential community renovation: construction started (communities)'),
    ('OLD_COMMUNITY:START:HOUSEHOLD', 'Old urban residential community renovation: construction started (households)'),
    ('OLD_COMMUNITY:START:BUILDING', 'Old urban residential community renovation: construction started (buildings)'),
    ('OLD_COMMUNITY:START:TEN_THOUSAND_SQM', 'Old urban residential community renovation: construction started (floor area)'),
    ('OLD_COMMUNITY:COMPLETION:COMMUNITY', 'Old urban residential community renovation: construction completed (communities)'),
    ('OLD_COMMUNITY:COMPLETION:HOUSEHOLD', 'Old urban residential community renovation: construction completed (households)'),
    ('OLD_COMMUNITY:COMPLETION:BUILDING', 'Old urban residential community renovation: construction completed (buildings)'),
    ('OLD_COMMUNITY:COMPLETION:TEN_THOUSAND_SQM', 'Old urban residential community renovation: construction completed (floor area)'),
    ('INVESTMENT:INVESTMENT:HUNDRED_MILLION_YUAN', 'Investment in secured housing projects: invested'),
    ('SECURED_HOUSING:BASIC_COMPLETION:SET:COHORT_2020_2023', 'Secured housing projects (total): basically completed, started by 2020, unfinished by 2023'),
    ('SHANTYTOWN:RESETTLEMENT_BASIC_COMPLETION:SET:COHORT_2020_2023', 'Shantytown (dilapidated urban housing) redevelopment: resettlement housing basically completed, started by 2020, unfinished by 2023'),
    ('PUBLIC_RENTAL:BASIC_COMPLETION:SET:COHORT_2020_2023', 'Public rental housing: basically completed, started by 2020, unfinished by 2023'),
    ('ECONOMIC_HOUSING:BASIC_COMPLETION:SET:COHORT_2020_2023', 'Economical housing: basically completed, started by 2020, unfinished by 2023')
) as k (code, name_en)
where i.code = k.code and i.name_en is null;

update programmes p set name_en = k.name_en
from (values
    ('SALE_HOUSING', 'Affordable housing for sale'),
    ('RENTAL_HOUSING', 'Affordable rental housing'),
    ('PUBLIC_RENTAL', 'Public rental housing'),
    ('RENT_SUBSIDY', 'Urban housing rent subsidies'),
    ('URBAN_VILLAGE', 'Urban village redevelopment'),
    ('SHANTYTOWN', 'Shantytown (dilapidated urban housing) redevelopment'),
    ('OLD_COMMUNITY', 'Old urban residential community renovation'),
    ('ECONOMIC_HOUSING', 'Economical housing'),
    ('INVESTMENT', 'Investment in secured housing projects'),
    ('SECURED_HOUSING', 'Secured housing projects (total)')
) as k (code, name_en)
where p.code = k.code and p.name_en is null;
