"""The public journeys, one package each, beside the engine and question pages they share."""
