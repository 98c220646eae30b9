"""Journey 2: a complaint about children's social care, with its forms, summary and templates."""
