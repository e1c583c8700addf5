"""The capability of the regions module; accounts.roles gives it to roles (an app declares its own
capabilities, so it needs nothing from the apps above it to check them)."""

MANAGE_REGIONS = "manage_regions"  # village facts, new villages
