"""The fault-injection suite (#11): every corruption of a snapshot and of CURRENT, end to end."""
