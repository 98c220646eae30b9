"""Journey 3: a young person contacts the helpline, with its forms, summary and templates."""
