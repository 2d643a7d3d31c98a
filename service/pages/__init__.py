"""Pages for people: GraphiQL, Swagger UI, ReDoc and the dashboard, drawn from assets the
package ships (`static/vendor/`), so they work on networks cut off from the internet."""
