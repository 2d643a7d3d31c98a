"""What one request may cost, decided before any work: GraphQL depth, aliases, tokens
and node cost, request bodies, persisted operations, rate limits, production mode."""
