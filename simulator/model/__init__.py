"""The model: the compiled scenario (plain arrays) and the domain it describes.

Market, pipeline, organisation, records, random streams, the Numba sampling kernels and
the metrics that turn one replication's records into a KPI row. Imports only
:mod:`simulator.config`.
"""
