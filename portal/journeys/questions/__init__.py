"""Question pages every journey asks: address, safe contact, character counts, and their answers."""
