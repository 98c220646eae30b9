"""Journey 1: a family or a professional asks for early help, with its forms, summary and templates."""
