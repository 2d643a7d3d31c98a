"""GraphQL reads compiled into one SQL statement whose result is the answer's `data`.

A nested read resolved field by field spends its time in Python (completing fields,
resolvers, DataLoaders, records), not in the database. A query whose every field is in
the subset compiled here is answered instead by one statement that builds the JSON text
itself (nested subqueries), sent out as it comes; anything else, or anything that would
answer with an error, runs through the ordinary execution, which stays the reference.
"""
