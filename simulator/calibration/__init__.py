"""Calibration: a CRM export and a mapping file in, fitted parameters and a config folder out.

Reads data and writes configs the schema accepts; knows nothing of the model or the engines.
"""
