"""Who is calling and what they may do: bearer tokens, principals, the access policy."""
