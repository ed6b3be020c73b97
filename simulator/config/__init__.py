"""Configuration: the schema users write, its validation, distributions and config errors.

The top of the chain: nothing here imports from the rest of salesim.
"""
