"""The floor of the house: file helpers that every layer above may use, importing nothing of salesim."""
