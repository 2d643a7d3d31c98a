// graphql-schema-linter's rules for schema.graphql: every rule it has, but the four that
// want fields, enum values and input fields in alphabetical order. The schema orders
// them by meaning — code before name, target before actual before completionRate,
// TARGET before ACTUAL — which is also the order of the REST records and the documents'
// tables; sorting them would scatter what belongs together for every reader.
module.exports = {
  rules: [
    "arguments-have-descriptions",
    "defined-types-are-used",
    "deprecations-have-a-reason",
    "descriptions-are-capitalized",
    "enum-values-all-caps",
    "enum-values-have-descriptions",
    "fields-are-camel-cased",
    "fields-have-descriptions",
    "input-object-values-are-camel-cased",
    "input-object-values-have-descriptions",
    "relay-connection-arguments-spec",
    "relay-connection-types-spec",
    "relay-page-info-spec",
    "types-are-capitalized",
    "types-have-descriptions",
  ],
};
