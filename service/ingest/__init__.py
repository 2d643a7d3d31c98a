"""Import the seed documents (PDF tables converted to tab-separated text) into records."""
