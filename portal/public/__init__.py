"""The public journeys: no sign-in, one question a page, answers kept on the server."""
