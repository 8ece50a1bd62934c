"""A large, realistic data set for measuring Voronka (`seed_volume`) and the measurements (`bench`).

Nothing here is used by the running application; it lives in `core` so both management
commands can share it without a separate app.
"""
